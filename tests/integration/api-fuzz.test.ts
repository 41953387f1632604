import { PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';

/**
 * The HTTP API under random requests: paths, methods, query names and
 * values (prototype names, junk, altered cursors), headers. It may refuse
 * anything, but never with a 5xx, and never with an internal detail.
 */

let stack: LocalStack;
let close: () => Promise<void>;
let ids: string[] = [];
let cursor = '';

beforeAll(async () => {
  ({ stack, close } = await startTestStack({
    PRECIS_ENGINE: 'offline',
    PRECIS_CORS_ORIGINS: 'https://dashboard.example',
  }));
  for (const name of ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md']) {
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `incoming/${name}`, Body: sample(name) }));
  }
  const headers = { 'x-api-key': stack.apiKey };
  for (let i = 0; i < 100 && ids.length < 3; i++) {
    const list = (await (await fetch(`${stack.endpoints.api}/articles?limit=1`, { headers })).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    const all = (await (await fetch(`${stack.endpoints.api}/articles`, { headers })).json()) as {
      items: { id: string }[];
    };
    ids = all.items.map((a) => a.id);
    cursor = list.nextCursor ?? '';
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);
afterAll(async () => close?.());

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', '%', '%00', '..', '../..', '-1', '0', '1e309', 'NaN', 'null', '[]', '{}', "'", '"', '<script>'),
  fc.integer().map(String),
);

const segment = fc.oneof(
  fc.constantFrom('articles', 'summary', 'claims', 'text', 'reprocess', 'v1', ''),
  fc.constant(null).map(() => ids[0] ?? 'x'),
  junk,
);
const query = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('limit', 'cursor', 'status', 'key', 'lang', ...PROTOTYPE_NAMES),
      fc.string({ maxLength: 12 }),
    ),
    fc.oneof(
      junk,
      fc.constantFrom('DONE', 'FAILED', 'PARTIAL', 'done', 'ar', 'fr', 'zz-ZZ'),
      fc.nat(cursor.length || 1).map((i) => `${cursor.slice(0, i)}${cursor.slice(i + 1)}`),
      fc.constant(null).map(() => cursor),
    ),
  ),
  { maxLength: 4 },
);
const headers = fc.dictionary(
  fc.oneof(
    fc.constantFrom('accept', 'origin', 'content-type', 'x-forwarded-for', 'accept-language'),
    fc.stringMatching(/^x-[a-z]{1,8}$/),
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,30}$/),
  { maxKeys: 3 },
);

// An error's stack as a property ("stack": …); the reader page's own text speaks of the deployed stack.
const INTERNALS =
  /node_modules|\.ts:\d|at [\w.]+ \(|ConditionalCheck|DynamoDB|dynalite|s3rver|TypeError|ReferenceError|"stack"\s*:|\bstack:/;

describe('the HTTP API under random requests', () => {
  it('never answers 5xx, and never shows an internal detail', async () => {
    expect(ids.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.array(segment, { minLength: 0, maxLength: 4 }),
        query,
        headers,
        async (method, segments, params, extra) => {
          const search = new URLSearchParams(params.map(([k, v]) => [k, v] as [string, string])).toString();
          const path = `/${segments.map((s) => encodeURIComponent(s)).join('/')}${search ? `?${search}` : ''}`;
          const response = await fetch(`${stack.endpoints.api}${path}`, {
            method,
            headers: { ...extra, 'x-api-key': stack.apiKey },
          });
          const body = await response.text();
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
          expect(body, `${method} ${path}`).not.toMatch(INTERNALS);
        },
      ),
      { numRuns: Number(process.env.PRECIS_FUZZ_RUNS ?? 400) },
    );
  }, 120_000);
});
