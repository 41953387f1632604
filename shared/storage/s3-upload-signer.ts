import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadSigner } from '../ports.js';

/**
 * Presigned PUTs on S3 (or the local emulator). The content type and length
 * are signed: S3 refuses a PUT whose headers differ, so the size the client
 * declared is the size it can upload.
 *
 * The client must sign no checksum (the api's presigningS3Client): a URL is
 * signed before its file exists, so a checksum in it would be of no bytes,
 * and S3 would refuse the file as BadDigest. Such a URL is never handed out.
 */
export class S3UploadSigner implements UploadSigner {
  constructor(private readonly s3: S3Client) {}

  async signPut(
    bucket: string,
    key: string,
    options: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.contentLength,
    });
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: options.expiresInSeconds,
      // Signed as headers, so a browser or curl must send these very values.
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    if (/[?&]x-amz-checksum-/i.test(url)) {
      throw new Error(
        'The S3 client signs a checksum into upload URLs, which S3 would check against no bytes: build it with requestChecksumCalculation WHEN_REQUIRED.',
      );
    }
    return url;
  }
}
