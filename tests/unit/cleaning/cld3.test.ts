import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLD3_RUNTIME, cld3From } from '../../../shared/cleaning/cld3.js';

describe('CLD3 on a starved machine', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('still loads when its runtime takes longer than the loader’s default of 3 s to start', async () => {
    // Arrange
    const runtime = createRequire(import.meta.url)(CLD3_RUNTIME);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    // Act: 10 s pass (on the loader's clock) before the runtime has started.
    const loading = cld3From(runtime);
    vi.advanceTimersByTime(10_000);
    vi.useRealTimers();
    const cld3 = await loading;

    // Assess
    expect(
      cld3.findLanguage('Der Bürgermeister sagte am Montag, die Stadt werde die Brücke bis zum Sommer sanieren.')
        .language,
    ).toBe('de');
  });
});
