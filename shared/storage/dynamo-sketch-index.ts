import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SketchIndex, SyndicationEntry } from '../analysis/ports.js';
import type { Sketch } from '../analysis/sketch.js';
import { MAX_CANDIDATES, nearest } from '../analysis/sketch-index.js';
import { readJson } from '../blob-json.js';
import { objectKeys } from '../layout.js';
import type { BlobStore } from '../ports.js';
import { expiryAfter } from './table.js';

/**
 * The most texts a band's item names. A band shared by more is boilerplate
 * (a look-up reads MAX_CANDIDATES at most anyway), and the item stays far
 * below DynamoDB's 400 KB.
 */
export const MAX_HASHES_PER_BAND = 100;

/** BatchGetItem's own limit on keys per request. */
const BATCH_GET_KEYS = 100;
/** Rounds of a batch's unprocessed keys (throttling) before the rest is given up: the index is best effort. */
const BATCH_GET_ROUNDS = 3;

const bandId = (band: string) => `sketch#${band}`;

/**
 * A text as its bands' sets name it: its content hash and its sketch
 * (each value four bytes, big-endian, in base64url), about 410 bytes for a
 * sketch of 64, so that a look-up judges a candidate before reading its
 * entry. A member without a sketch is read as the hash alone.
 */
export const bandMember = (contentHash: string, sketch: Sketch): string => {
  const bytes = Buffer.alloc(sketch.length * 4);
  for (const [i, value] of sketch.entries()) bytes.writeUInt32BE(value >>> 0, i * 4);
  return `${contentHash}.${bytes.toString('base64url')}`;
};

function fromMember(member: string): { hash: string; sketch: Sketch | null } {
  const dot = member.indexOf('.');
  if (dot < 0) return { hash: member, sketch: null };
  const bytes = Buffer.from(member.slice(dot + 1), 'base64url');
  const sketch = Array.from({ length: Math.floor(bytes.length / 4) }, (_, i) => bytes.readUInt32BE(i * 4));
  return { hash: member.slice(0, dot), sketch };
}

export interface DynamoSketchIndexOptions {
  /** Days a band's item is kept after its last text (the table's TTL), as the bucket keeps the entries; 0: kept. */
  retentionDays: number;
  now?: () => Date;
}

/**
 * The sketch index: each entry once in the article bucket
 * (`sketches/entries/<hash>.json`), and one item per band in the article
 * table (`sketch#<band>`, outside every index, as content claims are) with
 * the set of texts that share it, each with its sketch (bandMember). A
 * look-up is one BatchGetItem for all of an article's bands, then the
 * entries of the texts similar enough, when the caller says how similar
 * (`near`), or of all it names; adding a text is one put
 * and one UpdateItem per band, whose ADD to the set is atomic, so texts
 * indexed at once all stay. A band's item stops taking texts at
 * MAX_HASHES_PER_BAND (a conditional write). Best effort: an entry that
 * cannot be read is skipped.
 *
 * It replaced an empty S3 object per band and text, which cost a listing
 * per band on each look-up: 32 of an article's 52 requests.
 */
export class DynamoSketchIndex implements SketchIndex {
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly blobs: BlobStore,
    private readonly bucket: string,
    private readonly options: DynamoSketchIndexOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async candidates(
    bands: readonly string[],
    near?: { sketch: Sketch; threshold: number },
  ): Promise<SyndicationEntry[]> {
    const sets = await this.bandSets([...new Set(bands)]);
    const found = new Map<string, Sketch | null>();
    // Bands in the sketch's order, each one's texts in key order, as a listing gave them.
    for (const band of bands) {
      for (const member of [...(sets.get(band) ?? [])].sort()) {
        const { hash, sketch } = fromMember(member);
        if (!found.has(hash) || sketch) found.set(hash, sketch);
      }
    }
    // A text named without its sketch cannot be judged before it is read: it comes after those that were.
    const unknown = [...found].filter(([, sketch]) => sketch === null).map(([hash]) => hash);
    const hashes = near
      ? [
          ...nearest(
            [...found].flatMap(([hash, sketch]) => (sketch ? [{ hash, sketch }] : [])),
            near,
          ).map(({ hash }) => hash),
          ...unknown,
        ].slice(0, MAX_CANDIDATES)
      : [...found.keys()].slice(0, MAX_CANDIDATES);
    const entries = await Promise.all(
      hashes.map(async (hash) => {
        try {
          return await readJson<SyndicationEntry>(this.blobs, this.bucket, objectKeys.sketchEntry(hash));
        } catch {
          return null;
        }
      }),
    );
    return entries.filter((e): e is SyndicationEntry => e !== null);
  }

  async add(bands: readonly string[], entry: SyndicationEntry): Promise<void> {
    // The entry first: a band never names an entry that is not there.
    await this.blobs.put(
      this.bucket,
      objectKeys.sketchEntry(entry.contentHash),
      JSON.stringify(entry),
      'application/json',
    );
    const expiresAt = expiryAfter(this.now(), this.options.retentionDays);
    const member = bandMember(entry.contentHash, entry.sketch);
    await Promise.all(
      [...new Set(bands)].map(async (band) => {
        try {
          await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { id: bandId(band) },
              UpdateExpression:
                expiresAt === undefined ? 'ADD hashes :hash' : 'ADD hashes :hash SET expiresAt = :expires',
              ConditionExpression: 'attribute_not_exists(hashes) OR size(hashes) < :most OR contains(hashes, :one)',
              ExpressionAttributeValues: {
                ':hash': new Set([member]),
                ':one': member,
                ':most': MAX_HASHES_PER_BAND,
                ...(expiresAt === undefined ? {} : { ':expires': expiresAt }),
              },
            }),
          );
        } catch (error) {
          // A full band takes no more texts; anything else is the caller's to hear.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  /** Each band's set of texts, read in as few requests as BatchGetItem allows. */
  private async bandSets(bands: string[]): Promise<Map<string, Set<string>>> {
    const sets = new Map<string, Set<string>>();
    for (let i = 0; i < bands.length; i += BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] | undefined = bands
        .slice(i, i + BATCH_GET_KEYS)
        .map((band) => ({ id: bandId(band) }));
      for (let round = 0; keys?.length && round < BATCH_GET_ROUNDS; round++) {
        const page: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: 'id, hashes' } },
          }),
        );
        for (const item of page.Responses?.[this.tableName] ?? []) {
          const hashes = item.hashes as Set<string> | undefined;
          if (hashes) sets.set(String(item.id).slice('sketch#'.length), hashes);
        }
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return sets;
  }
}
