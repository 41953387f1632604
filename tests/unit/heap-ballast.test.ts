/**
 * The cleaning worker's ballast (lambdas/ingest/heap-ballast.ts): room held
 * in V8's own heap, where it counts toward what a full collection finds
 * alive, not outside it as a large ASCII string would be.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ballastMb, heldBallastBytes, holdBallast } from '../../lambdas/ingest/heap-ballast.js';

/** Bytes in V8's spaces for large objects, young (where they are born) and old (where a scavenge moves them). */
const largeObjects = () =>
  getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'large_object_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);

describe('the heap ballast', () => {
  it('is an eighth of the heap an upload has, at least 1 MB', () => {
    expect(ballastMb(512)).toBe(64);
    expect(ballastMb(40)).toBe(5);
    expect(ballastMb(4)).toBe(1);
  });

  it('is held in the heap itself, in strings each far under the longest V8 makes', () => {
    // Prepare
    const before = largeObjects();
    // Act
    holdBallast(20);
    // Assess: 20 MB more in the large object spaces (an external string would add a few bytes there).
    expect(heldBallastBytes()).toBe(20 * 1024 * 1024);
    expect(largeObjects() - before).toBeGreaterThanOrEqual(20 * 1024 * 1024);
  });
});
