import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { declaredCharset, decodeBytes } from '../../../shared/cleaning/decode.js';
import { encodeLegacy, utf16 } from '../../helpers/encode.js';
import { codeOf } from '../../helpers/errors.js';

const ARABIC = 'أعلنت وزارة الكهرباء العراقية أن الإنتاج وصل إلى 28 ألف ميغاواط للمرة الأولى في تاريخ البلاد';
const FRENCH =
  "L'été dernier, la préfecture a annoncé que la rivière était à son niveau le plus bas depuis des décennies.";

describe('decodeBytes', () => {
  it('decodes UTF-8, with or without a BOM', () => {
    const bytes = new TextEncoder().encode(ARABIC);
    expect(decodeBytes(bytes)).toEqual({ text: ARABIC, encoding: 'utf-8' });
    expect(decodeBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes])).text).toBe(ARABIC);
  });

  it('decodes UTF-16 little- and big-endian by their BOM', () => {
    expect(decodeBytes(utf16(FRENCH, 'le'))).toEqual({ text: FRENCH, encoding: 'utf-16le' });
    expect(decodeBytes(utf16(FRENCH, 'be'))).toEqual({ text: FRENCH, encoding: 'utf-16be' });
  });

  it('reads UTF-8 after a UTF-16 mark that misleads as UTF-8, not as the mark says', () => {
    // Prepare: a tool wrote a UTF-16 mark, then the text as UTF-8; read as UTF-16, it was a page of CJK-like junk.
    for (const mark of [
      [0xfe, 0xff],
      [0xff, 0xfe],
    ]) {
      const bytes = Uint8Array.from([...mark, ...new TextEncoder().encode(`${FRENCH} ${ARABIC}`)]);
      // Act and assess
      expect(decodeBytes(bytes)).toEqual({ text: `${FRENCH} ${ARABIC}`, encoding: 'utf-8' });
    }
  });

  it('still reads UTF-16 by its mark when the text has no ASCII character at all', () => {
    const chinese = '伊拉克电力部宣布发电量首次达到两万八千兆瓦这是该国历史上的第一次';
    expect(decodeBytes(utf16(chinese, 'be'))).toEqual({ text: chinese, encoding: 'utf-16be' });
    expect(decodeBytes(utf16(chinese, 'le'))).toEqual({ text: chinese, encoding: 'utf-16le' });
  });

  it('recognises UTF-16 without a BOM by its NUL pattern instead of calling it binary', () => {
    expect(decodeBytes(utf16(FRENCH, 'le', false)).text).toBe(FRENCH);
  });

  it('detects windows-1256 Arabic', () => {
    const decoded = decodeBytes(encodeLegacy(`${ARABIC}. ${ARABIC}.`, 'windows-1256'));
    expect(decoded.encoding).toBe('windows-1256');
    expect(decoded.text).toBe(`${ARABIC}. ${ARABIC}.`);
  });

  it('detects ISO-8859-1 French', () => {
    const decoded = decodeBytes(encodeLegacy(`${FRENCH} ${FRENCH}`, 'iso-8859-1'));
    expect(decoded.text).toBe(`${FRENCH} ${FRENCH}`);
    expect(decoded.encoding).toBe('windows-1252');
  });

  it("honours an HTML page's meta charset", () => {
    const html = `<html><head><meta charset="windows-1256"><title>x</title></head><body><p>${ARABIC}</p></body></html>`;
    const decoded = decodeBytes(encodeLegacy(html, 'windows-1256'), { html: true });
    expect(decoded.encoding).toBe('windows-1256');
    expect(decoded.text).toContain(ARABIC);
    expect(
      declaredCharset(
        new TextEncoder().encode('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-6">'),
      ),
    ).toBe('iso-8859-6');
  });

  it('reads a page that declares UTF-8 but is windows-1252 as windows-1252, and says so', () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Café</title></head><body><p>${FRENCH}</p><p>Coût : 5 €, “trop” – dit-on.</p></body></html>`;
    const decoded = decodeBytes(iconv.encode(html, 'windows-1252'), { html: true });
    expect(decoded.text).toBe(html);
    expect(decoded.encoding).toBe('windows-1252');
    // Too short for detection to be sure: windows-1252 all the same.
    const short = '<meta charset="utf-8"><p>Café à Noël</p>';
    expect(decodeBytes(iconv.encode(short, 'windows-1252'), { html: true })).toEqual({
      text: short,
      encoding: 'windows-1252',
    });
  });

  it('keeps UTF-8 when a page declares a legacy charset but its bytes are valid UTF-8', () => {
    const html = `<meta charset="iso-8859-1"><p>${FRENCH}</p>`;
    expect(decodeBytes(new TextEncoder().encode(html), { html: true }).text).toContain(FRENCH);
  });

  it.each([
    ['PDF', [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a]],
    ['ZIP', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]],
  ])('refuses a %s file whatever it is called', (_name, signature) => {
    const bytes = Uint8Array.from([...signature, ...new TextEncoder().encode(' looks like text afterwards')]);
    expect(codeOf(() => decodeBytes(bytes))).toBe('BINARY_CONTENT');
  });

  it('refuses bytes with NULs that are not UTF-16', () => {
    expect(codeOf(() => decodeBytes(Uint8Array.from([0x41, 0x42, 0x00, 0x00, 0x00, 0x13, 0x37, 0x00, 0x43])))).toBe(
      'BINARY_CONTENT',
    );
  });

  it('refuses bytes that decode to no readable text', () => {
    const garbage = Uint8Array.from(
      { length: 600 },
      (_, i) => [0x81, 0x8d, 0x8f, 0x90, 0x9d, 0x01, 0x02, 0x1b][i % 8] as number,
    );
    expect(codeOf(() => decodeBytes(garbage))).toBe('UNDECODABLE_TEXT');
  });
});
