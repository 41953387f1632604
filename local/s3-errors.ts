import { createRequire } from 'node:module';

type S3ErrorClass = new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error & { status: number; expose: boolean };

// s3rver's own error: its error handler writes it as S3's XML, with the status S3 gives the code.
const S3rverError = createRequire(import.meta.url)('s3rver/lib/models/error.js') as S3ErrorClass;

/** Codes s3rver's table lacks, with the status S3 gives them. */
const STATUS: Record<string, number> = { XAmzContentSHA256Mismatch: 400, CORSResponse: 403, BadRequest: 400 };

/** An error the local S3 answers as S3 would: `<Error><Code>…</Code><Message>…</Message>…</Error>` and its status. */
export function s3Error(code: string, message: string, detail: Record<string, string> = {}): Error {
  const error = new S3rverError(code, message, detail);
  const status = STATUS[code];
  if (status !== undefined) {
    error.status = status;
    error.expose = status < 500;
  }
  return error;
}

export const accessDenied = (message = 'Access Denied', detail: Record<string, string> = {}) =>
  s3Error('AccessDenied', message, detail);
