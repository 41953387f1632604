import { describe, expect, it } from 'vitest';
import { LatestSave } from '../../../shared/analysis/llm/latest-save.js';

/** A save that lands only when the test says so, recording what it was given. */
function heldSaves() {
  const saved: string[] = [];
  const landing: Array<() => void> = [];
  const save = (value: string) =>
    new Promise<void>((land) => {
      saved.push(value);
      landing.push(land);
    });
  const landNext = async () => {
    landing.shift()?.();
    // Let the chained save start.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { saved, save, landNext };
}

describe('saving progress snapshots (LatestSave)', () => {
  it('saves the first snapshot at once, and only the newest of those offered while it is under way', async () => {
    // Prepare
    const { saved, save, landNext } = heldSaves();
    const saves = new LatestSave(save);
    // Act: the summary's snapshot, then both translations' while its save has not landed.
    saves.offer('summary');
    await Promise.resolve();
    saves.offer('summary+ar');
    saves.offer('summary+ar+fr');
    await landNext();
    await landNext();
    await saves.settled();
    // Assess: two writes, the second holding everything.
    expect(saved).toEqual(['summary', 'summary+ar+fr']);
  });

  it('saves each snapshot offered after the one before it landed', async () => {
    // Prepare
    const { saved, save, landNext } = heldSaves();
    const saves = new LatestSave(save);
    // Act
    saves.offer('one');
    await Promise.resolve();
    await landNext();
    saves.offer('two');
    await Promise.resolve();
    await landNext();
    saves.offer('three');
    await Promise.resolve();
    await landNext();
    await saves.settled();
    // Assess
    expect(saved).toEqual(['one', 'two', 'three']);
  });

  it('goes on after a failed save, with the next snapshot', async () => {
    // Prepare
    const saved: string[] = [];
    const saves = new LatestSave(async (value: string) => {
      saved.push(value);
      if (value === 'one') throw new Error('the table is away');
    });
    // Act
    saves.offer('one');
    await saves.settled();
    saves.offer('two');
    await saves.settled();
    // Assess
    expect(saved).toEqual(['one', 'two']);
  });
});
