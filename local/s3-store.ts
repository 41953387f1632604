import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  type Dirent,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
  range?: { start: number; end: number };
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
    reset(): void;
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
const S3Object = require('s3rver/lib/models/object.js') as (new (
  bucket: string,
  key: string,
  content: NodeJS.ReadableStream | null,
  metadata: Record<string, unknown>,
) => StoredObject) & { ALLOWED_METADATA: string[] };

/**
 * What an object's metadata file holds beside its metadata (s3rver's headers): its MD5, where s3rver kept it in
 * a file of its own (`.md5`, still read for an object written before).
 */
const MD5_FIELD = 'md5';
/** An object's metadata (as its PUT gave it) and its MD5: what its metadata file holds. */
interface Described {
  metadata: Record<string, unknown>;
  md5: string;
}
/** Objects whose metadata is kept in memory at most (a few hundred bytes each). */
const KEPT_DESCRIPTIONS = 20_000;
/** The most bytes a GET reads at once, in this thread; a larger object is streamed through the thread pool. */
const READ_AT_ONCE = 1024 * 1024;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** The metadata s3rver keeps of a PUT's headers. */
function storable(metadata: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of S3Object.ALLOWED_METADATA) if (metadata[name] !== undefined) kept[name] = metadata[name];
  for (const [name, value] of Object.entries(metadata)) if (name.startsWith('x-amz-meta-')) kept[name] = value;
  return kept;
}

/** A small file's text, or null when it is not there. */
function readIfThere(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** An MD5 of a file, read through. */
async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What the store's maps name a bucket's configuration or object by: `bucket/name`; `inBucket(b, '')` prefixes all of b's. */
const inBucket = (bucket: string, name: string) => `${bucket}/${name}`;

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
  /** Each object's metadata and MD5 once written or read, by `bucket/key` (see `described`). */
  private readonly descriptions = new Map<string, Described>();

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
    const name = inBucket(bucket, type);
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
      this.configurations.delete(inBucket(bucket, resource.type));
    }
  }

  override async deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void> {
    try {
      await super.deleteSubresource(bucket, key, type);
    } finally {
      this.configurations.delete(inBucket(bucket, type));
    }
  }

  private forget(bucket: string): void {
    this.buckets.delete(bucket);
    const prefix = inBucket(bucket, '');
    for (const name of this.configurations.keys()) if (name.startsWith(prefix)) this.configurations.delete(name);
    for (const name of this.descriptions.keys()) if (name.startsWith(prefix)) this.descriptions.delete(name);
  }

  override reset(): void {
    this.buckets.clear();
    this.configurations.clear();
    this.descriptions.clear();
    super.reset();
  }

  private keep(bucket: string, key: string, described: Described): void {
    const name = inBucket(bucket, key);
    this.descriptions.delete(name);
    this.descriptions.set(name, described);
    if (this.descriptions.size > KEPT_DESCRIPTIONS)
      this.descriptions.delete(this.descriptions.keys().next().value as string);
  }

  /**
   * An object's metadata and MD5: kept in memory once written or read, as
   * nothing but this store writes its files while it runs; read otherwise
   * from its metadata file, which holds both. An object written before has
   * its MD5 in a file of its own, or none (s3rver took it from the bytes
   * then, as here). An object without a metadata file has none, as in
   * s3rver's store.
   */
  private async described(bucket: string, key: string): Promise<Described> {
    const found = this.descriptions.get(inBucket(bucket, key));
    if (found) return found;
    const stored: Record<string, unknown> = JSON.parse(
      readIfThere(this.getResourcePath(bucket, key, 'metadata.json')) ?? '{}',
    );
    const { [MD5_FIELD]: md5, ...metadata } = stored;
    const objectPath = this.getResourcePath(bucket, key, 'object');
    const described: Described = {
      metadata,
      md5: typeof md5 === 'string' ? md5 : (readIfThere(`${objectPath}.md5`) ?? (await md5Of(objectPath))),
    };
    this.keep(bucket, key, described);
    return described;
  }

  /** What s3rver's getMetadata gives: the stored metadata, the ETag, and the file's date and size. */
  private static headers(described: Described, stats: { mtime: Date; size: number }): Record<string, unknown> {
    return {
      ...described.metadata,
      etag: JSON.stringify(described.md5),
      'last-modified': stats.mtime.toUTCString(),
      'content-length': stats.size,
    };
  }

  override async getMetadata(bucket: string, key: string): Promise<Record<string, unknown>> {
    // As s3rver's: throws ENOENT when the object is not there.
    const stats = statSync(this.getResourcePath(bucket, key, 'object'));
    return KeyPreservingStore.headers(await this.described(bucket, key), stats);
  }

  /**
   * The metadata and the MD5 in one file, kept in memory too: s3rver wrote
   * the MD5 in a file of its own. Given no MD5 (s3rver's copy with new
   * metadata), the object's bytes give it.
   */
  override async putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, unknown>,
    md5?: string,
  ): Promise<void> {
    this.descriptions.delete(inBucket(bucket, key));
    const described = {
      metadata: storable(metadata),
      md5: md5 ?? (await md5Of(this.getResourcePath(bucket, key, 'object'))),
    };
    writeFileSync(
      this.getResourcePath(bucket, key, 'metadata.json'),
      JSON.stringify({ ...described.metadata, [MD5_FIELD]: described.md5 }, null, 2),
    );
    this.keep(bucket, key, described);
  }

  /**
   * One file opened for a read (the object's, its size and date from the
   * open file), where s3rver took the file's `stat`, read its metadata and
   * its `.md5` files, then opened it: the metadata is kept in memory. An
   * object of up to READ_AT_ONCE bytes is read in this thread, in one call,
   * as its PUT wrote it (see putObject).
   */
  async getObject(bucket: string, key: string, options?: { start?: number; end?: number }) {
    let fd: number;
    try {
      fd = openSync(this.getResourcePath(bucket, key, 'object'), 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    let streamed = false;
    try {
      const metadata = KeyPreservingStore.headers(await this.described(bucket, key), fstatSync(fd));
      // As s3rver's: the range asked for, within the object's bytes.
      const size = Number(metadata['content-length']);
      const lastByte = Math.max(0, size - 1);
      const range = { start: options?.start || 0, end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte) };
      const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
      const satisfiable = !(range.start < 0 || Math.min(range.end, lastByte) < range.start);
      let content: NodeJS.ReadableStream | null = null;
      if (satisfiable) {
        const length = Math.max(0, Math.min(range.end, size - 1) - range.start + 1);
        if (length <= READ_AT_ONCE) {
          const bytes = Buffer.allocUnsafe(length);
          let read = 0;
          while (read < length) {
            const got = readSync(fd, bytes, read, length - read, range.start + read);
            if (got === 0) break;
            read += got;
          }
          content = Readable.from([bytes.subarray(0, read)], { objectMode: false });
        } else {
          content = createReadStream('', { fd, ...range });
          streamed = true;
        }
      }
      const object = new S3Object(bucket, key, content, metadata);
      if (ranged) object.range = range;
      return object;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    } finally {
      if (!streamed) closeSync(fd);
    }
  }

  /** s3rver's copy, with the MD5 the metadata file holds (s3rver copied the `.md5` file, which a new object lacks). */
  async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const source = this.getResourcePath(srcBucket, srcKey, 'object');
    const dest = this.getResourcePath(destBucket, destKey, 'object');
    const { metadata, md5 } = await this.described(srcBucket, srcKey);
    if (source !== dest) {
      await mkdir(dirname(dest), { recursive: true });
      await copyFile(source, dest);
    }
    await this.putMetadata(destBucket, destKey, replacementMetadata ?? metadata, md5);
    return this.getMetadata(destBucket, destKey);
  }

  /**
   * An upload whose bytes are already read whole is written in one call,
   * in this thread (the file calls of an upload's size cost less than a
   * trip each through the thread pool, which wakes another thread and this
   * one again), its folder made only when the write finds none, and its
   * MD5 taken once:
   * s3rver's own streamed them through a hash into a file stream (and
   * answered before that stream had written them), and made the folder a
   * call a level. Then its metadata file, with its MD5 (`putMetadata`): the
   * object is in its files before the PUT is answered.
   */
  override async putObject(object: PutObject): Promise<{ size: number; md5: string }> {
    const body = (object.content as { [WHOLE_BODY]?: Buffer } | null)?.[WHOLE_BODY];
    const path = this.getResourcePath(object.bucket, object.key, 'object');
    this.descriptions.delete(inBucket(object.bucket, object.key));
    if (!body) return this.putStreamed(object, path);
    try {
      writeFileSync(path, body);
    } catch (error) {
      if (!isMissing(error)) throw error;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    }
    const md5 = createHash('md5').update(body).digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: body.length, md5 };
  }

  /**
   * A body given as a stream (a multipart upload's parts, put together; a
   * Buffer), written through a hash, its metadata once the file has it all:
   * s3rver's own answered once the hash had seen the bytes, before they
   * were written.
   */
  private async putStreamed(object: PutObject, path: string): Promise<{ size: number; md5: string }> {
    const hash = createHash('md5');
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await mkdir(dirname(path), { recursive: true });
    const content = object.content as NodeJS.ReadableStream | Buffer;
    await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, counted, createWriteStream(path));
    const md5 = hash.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  }

  getResourcePath(bucket: string, key = '', resource: string): string {
    const parts = encodeKeyPath(key).split('/');
    const last = parts.pop() ?? '';
    return join(this.rootDirectory, bucket, ...parts, `${last}._S3rver_${resource}`);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    this.descriptions.delete(inBucket(bucket, key));
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
