import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Set on the request s3rver reads an upload from: its bytes, whole, already
 * read and checked (local/s3-auth.ts), for the store to write in one call.
 */
export const WHOLE_BODY = Symbol('the upload’s bytes, whole');

/**
 * s3rver's file store keeps an object as files named after its key, one
 * folder per part between slashes. Taken as they are, keys lose what a path
 * cannot hold: `a//b` becomes `a/b`, `/a` becomes `a` (another object), and
 * `.` or `..` walk out of their folder. S3 keeps every such key as given, so
 * this store escapes the parts a path would change, and lists keys back as
 * they were written.
 *
 * The escape is `%`: an empty part is `%` (`a//b` → `a/%/b`), a part's
 * leading dot is `%2E` (`.`, `..`, `.hidden`), and `%` itself is `%25`.
 * Every other key keeps its old file name. The escape reads the key left to
 * right, never ahead, so the escaped form of a prefix is a prefix of the
 * escaped key: listing by prefix can skip the folders that cannot match.
 */
export function encodeKeyPath(key: string): string {
  let out = '';
  let partStart = true;
  for (const char of key) {
    if (char === '/') {
      out += partStart ? '%/' : '/';
      partStart = true;
      continue;
    }
    if (char === '%') out += '%25';
    else if (char === '.' && partStart) out += '%2E';
    else out += char;
    partStart = false;
  }
  return out;
}

/** The key an escaped path stands for: `encodeKeyPath` undone. */
export function decodeKeyPath(path: string): string {
  return path
    .split('/')
    .map((part) => (part === '%' ? '' : part.replace(/%25|%2E/g, (code) => (code === '%25' ? '%' : '.'))))
    .join('/');
}

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** A file name may have 255 bytes; the store adds up to 31 (`._S3rver_metadata.json`, `.md5`) to a key's part. */
const MAX_PART_BYTES = 224;

/** Why the local store cannot keep this key (S3 itself would take it up to 1,024 bytes), or null when it can. */
export function unstorableKey(key: string): string | null {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `the key is over S3's limit of ${MAX_KEY_BYTES} bytes`;
  const long = encodeKeyPath(key)
    .split('/')
    .find((part) => Buffer.byteLength(part) > MAX_PART_BYTES);
  if (long !== undefined) {
    return `a part of the key between slashes takes ${Buffer.byteLength(long)} bytes as a file name; the local store keeps objects as files and takes ${MAX_PART_BYTES} (S3 itself would take it)`;
  }
  // The listing is XML, which cannot carry a NUL.
  if (key.includes('\0')) return 'the key holds a NUL character, which the local store cannot list';
  return null;
}

const OBJECT_SUFFIX = '._S3rver_object';

interface StoredObject {
  key: string;
}
interface PutObject {
  bucket: string;
  key: string;
  content: unknown;
  metadata: Record<string, unknown>;
}
interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface FilesystemStoreClass {
  new (
    root: string,
  ): {
    rootDirectory: string;
    getBucketPath(bucket: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
    putObject(object: PutObject): Promise<{ size: number; md5: string }>;
    putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5: string): Promise<void>;
    getBucket(bucket: string): Promise<unknown>;
    putBucket(bucket: string): Promise<unknown>;
    deleteBucket(bucket: string): Promise<void>;
    getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
    putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void>;
    deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
  };
}

const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as FilesystemStoreClass;
const S3Object = require('s3rver/lib/models/object.js') as new (
  bucket: string,
  key: string,
  content: null,
  metadata: Record<string, unknown>,
) => StoredObject;

/** Keys in S3's order: by their UTF-8 bytes. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * s3rver's file store, with every key kept as written (see encodeKeyPath),
 * and the bucket and its configurations (CORS, website) held in memory once
 * read: s3rver asks for all three at every request, each a file read, which
 * was a third of the emulator's work under a backlog. They change only
 * through this store, which forgets what it changes.
 */
export class KeyPreservingStore extends FilesystemStore {
  private readonly buckets = new Map<string, Promise<unknown>>();
  private readonly configurations = new Map<string, Promise<unknown>>();

  override getBucket(bucket: string): Promise<unknown> {
    let found = this.buckets.get(bucket);
    if (!found) {
      found = super.getBucket(bucket);
      this.buckets.set(bucket, found);
      // A bucket not there (or not readable) is asked again next time.
      found.then(
        (b) => b ?? this.buckets.delete(bucket),
        () => this.buckets.delete(bucket),
      );
    }
    return found;
  }

  override async putBucket(bucket: string): Promise<unknown> {
    this.forget(bucket);
    return super.putBucket(bucket);
  }

  override async deleteBucket(bucket: string): Promise<void> {
    try {
      await super.deleteBucket(bucket);
    } finally {
      this.forget(bucket);
    }
  }

  override getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown> {
    // An object's own subresources (none that precis uses) are read each time.
    if (key) return super.getSubresource(bucket, key, type);
    const name = `${bucket}/${type}`;
    let found = this.configurations.get(name);
    if (!found) {
      found = super.getSubresource(bucket, key, type);
      this.configurations.set(name, found);
      found.catch(() => this.configurations.delete(name));
    }
    return found;
  }

  override async putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void> {
    try {
      await super.putSubresource(bucket, key, resource);
    } finally {
      this.configurations.delete(`${bucket}/${resource.type}`);
    }
  }

  override async deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void> {
    try {
      await super.deleteSubresource(bucket, key, type);
    } finally {
      this.configurations.delete(`${bucket}/${type}`);
    }
  }

  private forget(bucket: string): void {
    this.buckets.delete(bucket);
    for (const name of this.configurations.keys()) if (name.startsWith(`${bucket}/`)) this.configurations.delete(name);
  }

  /**
   * An upload whose bytes are already read whole is written in one call,
   * its folder made in one, and its MD5 taken once: s3rver's own streamed
   * them through a hash into a file stream (and answered before that stream
   * had written them), and made the folder a call a level. The files are
   * those s3rver writes.
   */
  override async putObject(object: PutObject): Promise<{ size: number; md5: string }> {
    const body = (object.content as { [WHOLE_BODY]?: Buffer } | null)?.[WHOLE_BODY];
    if (!body) return super.putObject(object);
    const path = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    const md5 = createHash('md5').update(body).digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: body.length, md5 };
  }

  getResourcePath(bucket: string, key = '', resource: string): string {
    const parts = encodeKeyPath(key).split('/');
    const last = parts.pop() ?? '';
    return join(this.rootDirectory, bucket, ...parts, `${last}._S3rver_${resource}`);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    for (const resource of ['object', 'object.md5', 'metadata.json']) {
      try {
        unlinkSync(this.getResourcePath(bucket, key, resource));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    // Folders the object leaves empty go, up to the bucket's own.
    const folders = encodeKeyPath(key).split('/').slice(0, -1);
    for (; folders.length > 0; folders.pop()) {
      const folder = join(this.getBucketPath(bucket), ...folders);
      try {
        if (readdirSync(folder).length > 0) break;
        rmdirSync(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /**
   * The keys under a prefix after `startAfter`, in S3's order, those with the
   * delimiter after the prefix rolled into common prefixes, at most
   * `maxKeys` objects.
   */
  async listObjects(bucket: string, options: ListOptions) {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = Number.POSITIVE_INFINITY } = options;
    const bucketPath = this.getBucketPath(bucket);
    const wanted = encodeKeyPath(prefix);
    const keys: string[] = [];
    const walk = (folder: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(join(bucketPath, folder), { withFileTypes: true });
      } catch (error) {
        // A folder its last object's delete removed while the walk went: nothing in it to list.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && folder) return;
        throw error;
      }
      for (const entry of entries) {
        const name = entry.name;
        const path = folder ? `${folder}/${name}` : name;
        if (entry.isDirectory()) {
          // No escaped part starts with a dot: such folders are the store's own (uploads in progress).
          const could = wanted.startsWith(`${path}/`) || `${path}/`.startsWith(wanted);
          if (!name.startsWith('.') && could) walk(path);
        } else if (name.endsWith(OBJECT_SUFFIX)) {
          const key = decodeKeyPath(path.slice(0, -OBJECT_SUFFIX.length));
          if (key.startsWith(prefix) && byBytes(key, startAfter) > 0) keys.push(key);
        }
      }
    };
    walk('');
    keys.sort(byBytes);

    const objects: string[] = [];
    const commonPrefixes = new Set<string>();
    let isTruncated = false;
    for (const key of keys) {
      const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        commonPrefixes.add(key.slice(0, at + delimiter.length));
        continue;
      }
      if (objects.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      objects.push(key);
    }
    const found = await Promise.all(
      objects.map(async (key) => {
        try {
          return new S3Object(bucket, key, null, await this.getMetadata(bucket, key));
        } catch (error) {
          // Gone since the walk, or still being written (its metadata file half there): S3 lists an object
          // once its PUT has answered, so one whose PUT is under way is not listed yet.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
          throw error;
        }
      }),
    );
    return {
      objects: found.filter((o): o is StoredObject => o !== null),
      commonPrefixes: [...commonPrefixes].sort(byBytes),
      isTruncated,
    };
  }
}
