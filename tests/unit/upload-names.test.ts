import { describe, expect, it } from 'vitest';
import { unstorableKey } from '../../local/s3-store.js';
import { safeFilename } from '../../shared/usecases/upload.js';

/** The key POST /articles gives an upload of `filename` (upload.ts's uploadKey, its random part fixed). */
const keyOf = (filename: string) => `incoming/uploads/2026-12-06/0123456789ab-${safeFilename(filename)}`;

describe('the key of an upload by name', () => {
  it('is one the local store keeps, however long the name is in any script', () => {
    // Prepare: 200 Chinese characters (600 bytes), 255 Latin letters, 100 letters outside the basic plane.
    const names = [
      `${'新闻'.repeat(100)}.txt`,
      `${'a'.repeat(251)}.txt`,
      `${'𠀀'.repeat(100)}.md`,
      `${'ب'.repeat(200)}.html`,
    ];
    for (const name of names) {
      // Act
      const key = keyOf(name);
      // Assess: stored as it is (S3 takes it too), its extension kept, no character cut in half.
      expect(unstorableKey(key), name).toBeNull();
      expect(key.slice(key.lastIndexOf('.'))).toBe(name.slice(name.lastIndexOf('.')));
      expect(key).toBe(Buffer.from(key).toString());
    }
  });

  it('keeps a short name as it is', () => {
    expect(safeFilename('basra-water.html')).toBe('basra-water.html');
    expect(safeFilename('../../تقرير البصرة.txt')).toBe('تقرير-البصرة.txt');
  });
});
