import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lazily, loadOnce } from '../../shared/lazily.js';

describe('lazily', () => {
  it('builds nothing until the value is read, then builds it once', () => {
    // Prepare
    let builds = 0;
    const schema = lazily(() => {
      builds++;
      return z.object({ name: z.string().min(1), count: z.coerce.number().int().default(3) });
    });
    expect(builds).toBe(0);

    // Act
    const parsed = schema.parse({ name: 'a' });
    const failed = schema.safeParse({ name: '' });

    // Assess
    expect(parsed).toEqual({ name: 'a', count: 3 });
    expect(failed.success).toBe(false);
    expect(Object.keys(schema.shape)).toEqual(['name', 'count']);
    expect(builds).toBe(1);
  });

  it('works as a part of another schema, and as what it is', () => {
    // Prepare
    const inner = lazily(() => z.string().regex(/^[a-z]+$/));

    // Act
    const outer = z.object({ word: inner.optional(), words: z.array(inner) });

    // Assess
    expect(outer.parse({ words: ['ab', 'cd'] })).toEqual({ words: ['ab', 'cd'] });
    expect(outer.safeParse({ word: 'A1', words: [] }).success).toBe(false);
    expect(inner instanceof z.ZodString).toBe(true);
  });
});

describe('loadOnce', () => {
  it('loads at the first call and shares the result with every call after it', async () => {
    // Prepare
    let loads = 0;
    const load = loadOnce(async () => ({ n: ++loads }));
    expect(loads).toBe(0);

    // Act
    const [first, second] = await Promise.all([load(), load()]);
    const third = await load();

    // Assess
    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('forgets a load that failed, so the next call tries again', async () => {
    // Prepare: the first load fails, as an import can.
    let loads = 0;
    const load = loadOnce(async () => {
      loads++;
      if (loads === 1) throw new Error('the chunk could not be read');
      return 'loaded';
    });

    // Act and assess
    await expect(load()).rejects.toThrow('the chunk could not be read');
    await expect(load()).resolves.toBe('loaded');
    await expect(load()).resolves.toBe('loaded');
    expect(loads).toBe(2);
  });
});
