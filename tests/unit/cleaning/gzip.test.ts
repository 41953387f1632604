import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanDocument, loadLanguageModels } from '../../../shared/cleaning/index.js';
import { codeOf } from '../../helpers/errors.js';
import { sample } from '../../helpers/samples.js';

beforeAll(async () => {
  await loadLanguageModels();
});

describe('an upload compressed with gzip', () => {
  it('is cleaned as its uncompressed bytes (aws s3 cp --content-encoding gzip stores them compressed)', () => {
    // Prepare
    const page = sample('basra-water.html');
    // Act
    const plain = cleanDocument(page, { name: 'incoming/basra.html' });
    const compressed = cleanDocument(gzipSync(page), { name: 'incoming/basra.html' });
    // Assess
    expect(compressed.text).toBe(plain.text);
    expect(compressed.title).toBe(plain.title);
  });

  it('ends TOO_LARGE past the size limit once uncompressed, however small it is compressed', () => {
    // Prepare: 50 MB of text in about 50 KB.
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 'word '));
    expect(bomb.length).toBeLessThan(100_000);
    // Act and assess: the limit given, and the default limit when none is.
    expect(codeOf(() => cleanDocument(bomb, { name: 'bomb.txt', maxBytes: 1024 * 1024 }))).toBe('TOO_LARGE');
    expect(codeOf(() => cleanDocument(bomb, { name: 'bomb.txt' }))).toBe('TOO_LARGE');
  });

  it('ends with its code when it is gzip inside gzip, cut short, or empty inside', () => {
    const page = sample('basra-water.html');
    expect(codeOf(() => cleanDocument(gzipSync(gzipSync(page)), { name: 'a.html' }))).toBe('BINARY_CONTENT');
    const whole = gzipSync(page);
    expect(codeOf(() => cleanDocument(whole.subarray(0, whole.length / 2), { name: 'a.html' }))).toBe('BINARY_CONTENT');
    expect(codeOf(() => cleanDocument(gzipSync(Buffer.alloc(0)), { name: 'a.html' }))).toBe('EMPTY_OBJECT');
  });
});
