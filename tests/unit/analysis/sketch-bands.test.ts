import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import type { AnalysisInput, FingerprintedEngine } from '../../../shared/analysis/ports.js';
import { bandKeys, candidateChance, similarity, sketchOf } from '../../../shared/analysis/sketch.js';
import { SYNDICATION_THRESHOLD, SyndicatedEngine } from '../../../shared/analysis/syndication.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import type { BlobStore } from '../../../shared/ports.js';
import { DynamoSketchIndex } from '../../../shared/storage/dynamo-sketch-index.js';
import { fixtureArticles, sample } from '../../helpers/samples.js';
import { oneParagraphChanged, refurnished } from '../../helpers/syndication-variants.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddbMock.reset();
  ddbMock.on(BatchGetCommand).resolves({ Responses: {} });
  ddbMock.on(UpdateCommand).resolves({});
});

const bucket: BlobStore = {
  get: async () => {
    throw new Error('no entry');
  },
  put: async () => undefined,
  async *list() {},
};

/** The offline engine under a fixed fingerprint, as the analyze function's engines are bound to their settings. */
const offline: FingerprintedEngine = Object.assign(new OfflineEngine(), { fingerprint: () => 'offline-test' });

const contentHash = (text: string) => createHash('sha256').update(text).digest('hex');

describe("the near-copy index's bands", () => {
  it('cost a new article one read and 12 band writes', async () => {
    // Prepare
    const cleaned = cleanDocument(sample('kirkuk-checkpoints.txt'), { name: 'kirkuk-checkpoints.txt' });
    const input: AnalysisInput = { ...cleaned, contentHash: contentHash(cleaned.text) };
    const index = new DynamoSketchIndex(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      'articles',
      bucket,
      'b',
      {
        retentionDays: 0,
      },
    );
    // Act
    const result = await new SyndicatedEngine(offline, index).analyze(input, { targetLanguages: [] });
    // Assess: indexed under each of its bands, each an UpdateItem (16 of them under the 16 bands of 4 before).
    expect(result.status).toBe('DONE');
    expect(ddbMock.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(12);
  });

  it('find a pair at the threshold more often than the 16 bands of 4, and as often above it to within 10⁻⁵', () => {
    // Assess: the S-curves, read at every hundredth of a similarity from the threshold up.
    expect(candidateChance(SYNDICATION_THRESHOLD)).toBeGreaterThan(candidateChance(SYNDICATION_THRESHOLD, 16, 4));
    expect(candidateChance(SYNDICATION_THRESHOLD)).toBeGreaterThan(0.97);
    for (let s = SYNDICATION_THRESHOLD; s <= 1; s += 0.01) {
      expect(candidateChance(s)).toBeGreaterThan(candidateChance(s, 16, 4) - 1e-5);
    }
  });

  it('meet the bands of every near copy of the samples and fixtures at or above the threshold', () => {
    // Prepare: each article republished under another byline and footer, and with a paragraph rewritten.
    const texts = [
      ...['kirkuk-checkpoints.txt', 'basra-water.html', 'mosul-old-city.md'].map(
        (name) => cleanDocument(sample(name), { name }).text,
      ),
      ...fixtureArticles(),
    ];
    const pairs = texts.flatMap((text, i) =>
      [refurnished(text, i), oneParagraphChanged(text)]
        .filter((copy): copy is string => copy !== null)
        .map((copy) => [text, copy] as const),
    );
    // Act
    const near = pairs
      .map(([text, copy]) => ({ a: sketchOf(text), b: sketchOf(copy) }))
      .filter(({ a, b }) => similarity(a, b) >= SYNDICATION_THRESHOLD);
    const met = near.filter(({ a, b }) => {
      const bands = new Set(bandKeys(a, 'scope'));
      return bandKeys(b, 'scope').some((band) => bands.has(band));
    });
    // Assess
    expect(near.length).toBeGreaterThan(5);
    expect(met.length).toBe(near.length);
  });
});
