/**
 * Encodes text in a single-byte legacy encoding by inverting the platform's
 * decoder: Node can decode windows-1256 or ISO-8859-1 but not encode them.
 */
export function encodeLegacy(text: string, encoding: string): Uint8Array {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Uint8Array.from([...text], (ch) => {
    const byte = table.get(ch);
    if (byte === undefined) throw new Error(`${JSON.stringify(ch)} has no byte in ${encoding}`);
    return byte;
  });
}

export function utf16(text: string, endian: 'le' | 'be', bom = true): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  const body = endian === 'le' ? le : Buffer.from(le.swap16());
  const mark = endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
  return Uint8Array.from(bom ? [...mark, ...body] : [...body]);
}
