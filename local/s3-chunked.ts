import { s3Error } from './s3-errors.js';

/** One chunk of an aws-chunked body: its bytes and, when the stream is signed, its signature. */
export interface Chunk {
  data: Buffer;
  signature?: string;
}

export interface ChunkedBody {
  /** The chunks in order, the last one empty. */
  chunks: Chunk[];
  /** The object's bytes. */
  body: Buffer;
  /** Trailing headers (`x-amz-checksum-crc32`, …), names in lower case. */
  trailers: Record<string, string>;
  /** The trailing lines as sent, for the trailer's signature. */
  trailerText: string;
  trailerSignature?: string;
}

const incomplete = (why: string) => s3Error('IncompleteBody', `The aws-chunked body is malformed: ${why}.`);

/**
 * Reads an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n
 * … 0[;chunk-signature=…]\r\n<trailers>\r\n`), which AWS SDKs and CLIs send
 * for streamed uploads, into its chunks, bytes and trailers. Framing that
 * does not add up is S3's IncompleteBody.
 */
export function parseAwsChunked(raw: Buffer): ChunkedBody {
  const chunks: Chunk[] = [];
  let offset = 0;
  const line = () => {
    const end = raw.indexOf('\r\n', offset);
    if (end < 0) throw incomplete('a line does not end with CRLF');
    const text = raw.subarray(offset, end).toString('latin1');
    offset = end + 2;
    return text;
  };
  for (;;) {
    const [sizeText = '', ...extensions] = line().split(';');
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw incomplete(`"${sizeText.slice(0, 20)}" is not a chunk size`);
    const size = Number.parseInt(sizeText, 16);
    const signature = extensions
      .map((e) => /^chunk-signature=([0-9a-f]{64})$/.exec(e.trim())?.[1])
      .find((s) => s !== undefined);
    if (size === 0) {
      chunks.push({ data: Buffer.alloc(0), ...(signature ? { signature } : {}) });
      break;
    }
    if (offset + size + 2 > raw.length) throw incomplete('a chunk is shorter than its size');
    const data = raw.subarray(offset, offset + size);
    offset += size;
    if (raw.toString('latin1', offset, offset + 2) !== '\r\n') throw incomplete('a chunk is longer than its size');
    offset += 2;
    chunks.push({ data, ...(signature ? { signature } : {}) });
  }
  const trailers: Record<string, string> = {};
  const lines: string[] = [];
  let trailerSignature: string | undefined;
  while (offset < raw.length) {
    const text = line();
    if (text === '') break;
    const colon = text.indexOf(':');
    if (colon <= 0) throw incomplete(`"${text.slice(0, 40)}" is not a trailing header`);
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else {
      trailers[name] = value;
      lines.push(`${name}:${value}\n`);
    }
  }
  return {
    chunks,
    body: Buffer.concat(chunks.map((c) => c.data)),
    trailers,
    trailerText: lines.join(''),
    ...(trailerSignature ? { trailerSignature } : {}),
  };
}
