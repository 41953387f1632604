import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../shared/storage/cursor.js';
import { codeOfAsync } from '../helpers/errors.js';

describe('page cursors', () => {
  const position = { id: 'a1', receivedAt: '2026-11-30T00:00:00.000Z', listPartition: 'all' };

  it('opens what it sealed, for the same query', async () => {
    const codec = new CursorCodec('a key of at least sixteen');
    const cursor = (await codec.encode('byReceived:all', position)) as string;
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('receivedAt');
    expect(await codec.decode('byReceived:all', cursor)).toEqual(position);
    expect(await codec.encode('byReceived:all', undefined)).toBeNull();
  });

  it('refuses a cursor from another query, another key, or altered by one bit, as INVALID_CURSOR', async () => {
    const codec = new CursorCodec(async () => 'a key read from a secret');
    const cursor = (await codec.encode('byStatus:DONE', position)) as string;
    expect(await codeOfAsync(codec.decode('byStatus:FAILED', cursor))).toBe('INVALID_CURSOR');
    expect(await codeOfAsync(new CursorCodec('another key entirely').decode('byStatus:DONE', cursor))).toBe(
      'INVALID_CURSOR',
    );
    const bytes = Buffer.from(cursor, 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    expect(await codeOfAsync(codec.decode('byStatus:DONE', bytes.toString('base64url')))).toBe('INVALID_CURSOR');
    for (const junk of ['', 'abc', '!!!', Buffer.from('{"id":"x"}').toString('base64url')]) {
      expect(await codeOfAsync(codec.decode('byStatus:DONE', junk)), junk).toBe('INVALID_CURSOR');
    }
  });
});
