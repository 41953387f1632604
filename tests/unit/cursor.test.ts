import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CursorCodec, processCursorCodec } from '../../shared/storage/cursor.js';
import { codeOfAsync } from '../helpers/errors.js';

// The random bytes drawn, counted (the same bytes as Node's).
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: vi.fn(real.randomBytes) };
});

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

  it("makes a process codec's key at its first cursor, not when it is built (the analyze and ingest functions never page)", async () => {
    // Prepare
    const keysDrawn = () => vi.mocked(randomBytes).mock.calls.filter(([size]) => size === 32).length;
    const before = keysDrawn();
    // Act
    const codec = processCursorCodec();
    const drawnAtBuild = keysDrawn() - before;
    const first = (await codec.encode('byReceived:all', position)) as string;
    const second = (await codec.encode('byReceived:all', position)) as string;
    // Assess: no key drawn until a cursor is sealed, then one, for every cursor of the process.
    expect(drawnAtBuild).toBe(0);
    expect(keysDrawn() - before).toBe(1);
    expect(await codec.decode('byReceived:all', first)).toEqual(position);
    expect(await codec.decode('byReceived:all', second)).toEqual(position);
    expect(await codeOfAsync(processCursorCodec().decode('byReceived:all', first))).toBe('INVALID_CURSOR');
  });
});
