import chardet from 'chardet';
import { InvalidInputError } from '../errors.js';

export interface DecodedText {
  text: string;
  /** WHATWG encoding name the bytes were decoded with. */
  encoding: string;
}

/** File signatures of formats that are never an article, whatever the file is called. */
const BINARY_SIGNATURES: { name: string; offset: number; bytes: number[] }[] = [
  { name: 'PDF', offset: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'ZIP', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'ZIP', offset: 0, bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: 'PNG', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: 'JPEG', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF', offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'WebP', offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
  { name: 'gzip', offset: 0, bytes: [0x1f, 0x8b] },
  { name: '7z', offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'RAR', offset: 0, bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { name: 'OLE (legacy Office)', offset: 0, bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { name: 'ELF', offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'MP4', offset: 4, bytes: [0x66, 0x74, 0x79, 0x70] },
  { name: 'SQLite', offset: 0, bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66] },
];

export function binarySignature(bytes: Uint8Array): string | null {
  for (const sig of BINARY_SIGNATURES) {
    if (bytes.length < sig.offset + sig.bytes.length) continue;
    if (sig.bytes.every((b, i) => bytes[sig.offset + i] === b)) return sig.name;
  }
  return null;
}

interface Decoder {
  /** WHATWG encoding name. */
  encoding: string;
  decode(bytes: Uint8Array): string;
}

/**
 * windows-1252's characters for bytes 0x80–0x9F (the WHATWG index; the other
 * bytes are Latin-1's). Node 20's TextDecoder reads windows-1252, and every
 * label for it (latin1, iso-8859-1, ascii), as Latin-1 and loses these bytes
 * (nodejs/node#60888): a page's ’ “ ” – € would vanish.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const windows1252: Decoder = {
  encoding: 'windows-1252',
  decode: (bytes) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('latin1')
      .replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] as string),
};

function decoderFor(label: string): Decoder | null {
  try {
    const decoder = new TextDecoder(label);
    return decoder.encoding === 'windows-1252' ? windows1252 : decoder;
  } catch {
    return null;
  }
}

/**
 * The charset an HTML or XML document declares for itself in its first bytes
 * (`<meta charset>`, `<meta http-equiv="Content-Type">`, `<?xml encoding?>`).
 */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const match =
    /<meta[^>]*?charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head) ?? /<\?xml[^>]*encoding\s*=\s*["']([\w:.-]+)/i.exec(head);
  const label = match?.[1];
  if (!label) return null;
  const decoder = decoderFor(label);
  // A document cannot declare itself UTF-16 in ASCII-compatible bytes; browsers ignore it too.
  if (!decoder || decoder.encoding.startsWith('utf-16')) return null;
  return decoder.encoding;
}

/** UTF-16 without a BOM shows as NUL bytes on every other position of ASCII text. */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 16) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

/** The characters garbageRatio counts: most texts have none, which one regular expression tells faster than the loop. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what this pattern is for.
const GARBAGE = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufffd]/;

/**
 * Share of characters that no text contains: C0/C1 controls other than white
 * space, and U+FFFD from bytes the decoder could not map.
 */
function garbageRatio(text: string): number {
  if (text.length === 0 || !GARBAGE.test(text)) return 0;
  let bad = 0;
  // UTF-16 code units: the characters counted are all in the Basic Multilingual Plane.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0xfffd
    ) {
      bad++;
    }
  }
  return bad / text.length;
}

const MAX_GARBAGE = 0.01;
const MIN_DETECTION_CONFIDENCE = 20;

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Turns bytes into text. Order, as browsers do it: a byte-order mark, then
 * the charset the document declares (HTML/XML) if the bytes read as it, then
 * valid UTF-8, then statistical detection (chardet), then windows-1252, the
 * WHATWG default for legacy pages. The encoding used is returned with the
 * text. Binary files are refused by their signature first; bytes that read
 * as text in none of these are UNDECODABLE_TEXT.
 */
export function decodeBytes(bytes: Uint8Array, options: { html?: boolean } = {}): DecodedText {
  const signature = binarySignature(bytes);
  if (signature) {
    throw new InvalidInputError('BINARY_CONTENT', `The object is a ${signature} file, not an article.`);
  }

  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeWith(bytes, 'utf-8');
  const bom16 =
    bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (bom16) {
    // A UTF-16 mark before UTF-8 bytes (a tool that wrote the mark, then the text as it was) is read on without it.
    return misleadingBom(bytes) ? decodeBytes(bytes.subarray(2), options) : decodeWith(bytes, bom16);
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) return decodeWith(bytes, utf16);

  if (bytes.subarray(0, 8192).includes(0)) {
    throw new InvalidInputError(
      'BINARY_CONTENT',
      'The object contains NUL bytes: it is a binary file, not an article.',
    );
  }

  let utf8: string | null = null;
  try {
    utf8 = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    utf8 = null;
  }
  const hasNonAscii = utf8 === null || /[^\p{ASCII}]/u.test(utf8);

  if (options.html) {
    const declared = declaredCharset(bytes);
    // Valid non-ASCII UTF-8 under a legacy declaration is a mislabelled page: legacy bytes are almost never valid UTF-8.
    if (declared && !(utf8 !== null && hasNonAscii && declared !== 'utf-8')) {
      // Declared UTF-8 has been decoded already, and so has ASCII under any label but the escape-based ones.
      // A page that declares UTF-8 but is in a legacy encoding (a common mistake) is read on below.
      const decoded =
        utf8 !== null && (declared === 'utf-8' || (!hasNonAscii && !utf8.includes('\x1b')))
          ? { text: stripBom(utf8), encoding: declared }
          : readableAs(bytes, declared);
      if (decoded && garbageRatio(decoded.text) <= MAX_GARBAGE) return decoded;
    }
  }
  if (utf8 !== null && garbageRatio(utf8) <= MAX_GARBAGE) return { text: stripBom(utf8), encoding: 'utf-8' };
  const mostly = mostlyUtf8(bytes);
  if (mostly !== null) return { text: stripBom(mostly), encoding: 'utf-8' };

  for (const candidate of chardet.analyse(bytes)) {
    if (candidate.confidence < MIN_DETECTION_CONFIDENCE) break;
    const decoder = decoderFor(candidate.name);
    if (!decoder || decoder.encoding === 'utf-8') continue;
    const text = decoder.decode(bytes);
    if (garbageRatio(text) <= MAX_GARBAGE) return { text: stripBom(text), encoding: decoder.encoding };
  }
  // Not UTF-8, and detection is unsure (a short text): windows-1252, what the WHATWG encoding standard
  // reads a legacy Latin page as when nothing else tells. Binary bytes decode to controls there, and stay refused.
  const legacy = readableAs(bytes, 'windows-1252');
  if (legacy) return legacy;
  throw new InvalidInputError(
    'UNDECODABLE_TEXT',
    'The bytes are not valid UTF-8 and no other encoding decodes them to readable text.',
  );
}

/**
 * Whether a UTF-16 byte-order mark stands before bytes that are not UTF-16:
 * no NUL byte in the head (every ASCII character of UTF-16, the markup, the
 * spaces and the digits of any script's text, has one) and valid UTF-8 with
 * some text after it. UTF-16 text with no ASCII at all (CJK without spaces)
 * is not valid UTF-8: its lead bytes 0x80-0xBF never start a character.
 */
function misleadingBom(bytes: Uint8Array): boolean {
  const rest = bytes.subarray(2);
  if (rest.length < 16 || rest.subarray(0, 8192).includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(rest);
    return true;
  } catch {
    return false;
  }
}

/**
 * UTF-8 with a few bad bytes (a truncated copy, one pasted legacy
 * character): decoded as UTF-8, each bad sequence a replacement character,
 * when its valid multi-byte characters far outnumber the bad ones. Read as a
 * legacy encoding, every good character would turn into two or three of
 * mojibake ("â€™"), and the language with it. Null when it is not that.
 */
function mostlyUtf8(bytes: Uint8Array): string | null {
  const text = new TextDecoder('utf-8').decode(bytes);
  let valid = 0;
  let invalid = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code === 0xfffd) invalid++;
    else if (code > 0x7f) valid++;
  }
  if (invalid === 0 || valid < 3 * invalid || invalid > Math.max(8, bytes.length / 200)) return null;
  // The replacement characters are counted above; the rest must be as clean as any text.
  return garbageRatio(text.replaceAll('\ufffd', '')) <= MAX_GARBAGE ? text : null;
}

/** The bytes decoded as `label`, or null when that gives no readable text. */
function readableAs(bytes: Uint8Array, label: string): DecodedText | null {
  const decoder = decoderFor(label);
  if (!decoder) return null;
  const text = stripBom(decoder.decode(bytes));
  return garbageRatio(text) <= MAX_GARBAGE ? { text, encoding: decoder.encoding } : null;
}

/** The bytes decoded as a byte-order mark or the sniffed layout says (a label every decoder knows), or UNDECODABLE_TEXT. */
function decodeWith(bytes: Uint8Array, label: 'utf-8' | 'utf-16le' | 'utf-16be'): DecodedText {
  const decoded = readableAs(bytes, label);
  if (decoded) return decoded;
  throw new InvalidInputError('UNDECODABLE_TEXT', `The bytes do not decode to readable text as ${label}.`);
}
