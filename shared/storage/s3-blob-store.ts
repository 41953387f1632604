import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { InvalidInputError, TransientError, tooLargeMessage } from '../errors.js';
import type { BlobStore } from '../ports.js';

function isNotFound(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404))
  );
}

/** The blob store on S3 (or any S3 API, such as the local emulator). */
export class S3BlobStore implements BlobStore {
  async *list(
    bucket: string,
    prefix: string,
    options: { startAfter?: string } = {},
  ): AsyncIterable<{ key: string; size: number; etag: string | null; lastModified: Date | null }> {
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ContinuationToken: token,
            // S3 ignores StartAfter once a continuation token is given.
            ...(token || !options.startAfter ? {} : { StartAfter: options.startAfter }),
          }),
        );
      } catch (error) {
        throw new TransientError('STORAGE_UNAVAILABLE', 'The bucket could not be listed.', error);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key) {
          yield {
            key: object.Key,
            size: object.Size ?? 0,
            etag: object.ETag ?? null,
            lastModified: object.LastModified ?? null,
          };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  constructor(private readonly s3: S3Client) {}

  async get(bucket: string, key: string, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
    let response: GetObjectCommandOutput;
    try {
      response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) {
        throw new InvalidInputError(
          'SOURCE_NOT_FOUND',
          `s3://${bucket}/${key} no longer exists; it was deleted before it was read.`,
          error,
        );
      }
      throw new TransientError('STORAGE_UNAVAILABLE', `Reading s3://${bucket}/${key} failed.`, error);
    }
    const body = response.Body as (GetObjectCommandOutput['Body'] & { destroy?: () => void }) | undefined;
    const size = response.ContentLength;
    if (options.maxBytes !== undefined && size !== undefined && size > options.maxBytes) {
      // Refused by its size: the body is never read.
      body?.destroy?.();
      throw new InvalidInputError('TOO_LARGE', tooLargeMessage(size, options.maxBytes));
    }
    if (!body) return new Uint8Array();
    try {
      return await body.transformToByteArray();
    } catch (error) {
      throw new TransientError('STORAGE_UNAVAILABLE', `Reading s3://${bucket}/${key} was interrupted.`, error);
    }
  }

  async put(bucket: string, key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    try {
      // The length given: the SDK measures no empty body (an index's marker) and warns of a stream of unknown length.
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      await this.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ContentLength: length }),
      );
    } catch (error) {
      throw new TransientError('STORAGE_UNAVAILABLE', `Writing s3://${bucket}/${key} failed.`, error);
    }
  }
}
