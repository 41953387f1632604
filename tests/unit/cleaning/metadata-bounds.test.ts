/**
 * What a document says of itself (title, byline, site, URL) is bounded: an
 * upload whose `<title>` is 2 MB used to end, after five deliveries that
 * each failed to save its record (past DynamoDB's 400 KB), as
 * STORAGE_UNAVAILABLE, as if the table were down.
 */
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { METADATA_MAX_CHARS } from '../../../shared/cleaning/metadata-bounds.js';
import { sample } from '../../helpers/samples.js';

const BODY =
  'The council approved fourteen new schools in the northern district on Monday, the mayor said, adding that construction will start next spring and finish within two years of the vote.';
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('the metadata of a hostile upload', () => {
  it('keeps a title of 2 MB to its first thousand characters, marked as cut', () => {
    const html = `<html><head><title>${'Council '.repeat(250_000)}</title></head><body><article><p>${BODY}</p></article></body></html>`;
    const cleaned = cleanDocument(utf8(html), { name: 'page.html' });
    expect(cleaned.title?.length).toBeLessThanOrEqual(METADATA_MAX_CHARS.title);
    expect(cleaned.title).toMatch(/^Council Council .*…$/);
    expect(cleaned.text).toBe(BODY);
  });

  it('bounds a JSON article’s title, byline and URL, however long', () => {
    const json = JSON.stringify({
      title: 'T'.repeat(1_000_000),
      byline: 'B'.repeat(1_000_000),
      url: `https://x.example/${'u'.repeat(1_000_000)}`,
      body: BODY,
    });
    const cleaned = cleanDocument(utf8(json), { name: 'a.json' });
    expect(cleaned.title?.length).toBeLessThanOrEqual(METADATA_MAX_CHARS.title);
    expect(cleaned.byline?.length ?? 0).toBeLessThanOrEqual(METADATA_MAX_CHARS.byline);
    expect(cleaned.url?.length).toBeLessThanOrEqual(METADATA_MAX_CHARS.url);
  });

  it('counts characters outside the basic plane as one each, and never splits one', () => {
    const json = JSON.stringify({ title: '😀'.repeat(5_000), body: BODY });
    const title = cleanDocument(utf8(json), { name: 'a.json' }).title ?? '';
    expect(title).toBe(`${'😀'.repeat(METADATA_MAX_CHARS.title - 1)}…`);
    expect(title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps a title of emoji within the limit whole', () => {
    const json = JSON.stringify({ title: `Launch day ${'🚀'.repeat(600)}`, body: BODY });
    expect(cleanDocument(utf8(json), { name: 'a.json' }).title).toBe(`Launch day ${'🚀'.repeat(600)}`);
  });

  it('leaves a real page’s metadata as it was', () => {
    const cleaned = cleanDocument(sample('basra-water.html'), { name: 'basra-water.html' });
    expect(cleaned.title).toBe('Basra water shortage: salinity forces 40 treatment plants offline');
    expect(cleaned.byline).toBe('Layla Hassan');
    expect(cleaned.url).toBe('https://gulfledger.example/iraq/basra-water-shortage-salinity');
  });
});
