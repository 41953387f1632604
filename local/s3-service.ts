import { BUCKET_LAYOUT } from '../shared/layout.js';
import { startS3, uploadCorsRule } from './s3.js';
import type { Credentials } from './s3-authorization.js';
import type { Service } from './worker-host.js';

export interface S3ServiceOptions {
  port: number;
  directory: string;
  bucket: string;
  credentials: Credentials;
  /** Origins PRECIS_CORS_ORIGINS names, allowed beside the reader page's. */
  corsOrigins: readonly string[];
  /** The reader page's origins, known once the API (in another thread) listens. */
  pageOrigins(): Promise<string[]>;
  onObjectCreated(record: Record<string, unknown>): void;
}

/**
 * The local S3 as the stack runs it in a worker thread: the bucket's CORS
 * lets the reader page's origins (asked of the stack once, then kept) and
 * PRECIS_CORS_ORIGINS PUT to presigned URLs, as in AWS; objects created
 * under incoming/ are reported, as the bucket's notification has it.
 */
export async function startS3Service(options: S3ServiceOptions): Promise<Service> {
  let pageOrigins: readonly string[] | null = null;
  const rules = async () => {
    pageOrigins ??= await options.pageOrigins();
    return [uploadCorsRule([...pageOrigins, ...options.corsOrigins])];
  };
  return startS3({
    ...options,
    cors: rules,
    // As the bucket's notification in AWS (infra/pipeline.ts): uploads under incoming/ alone reach the ingest
    // queue, not the texts and results the functions write (a score of events per article, each one ignored).
    onObjectCreated: (record) => {
      const key = (record as { s3?: { object?: { key?: string } } }).s3?.object?.key ?? '';
      if (key.startsWith(BUCKET_LAYOUT.incoming.prefix)) options.onObjectCreated(record);
    },
  });
}
