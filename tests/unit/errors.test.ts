import { describe, expect, it } from 'vitest';
import { tooLargeMessage } from '../../shared/errors.js';

describe('size messages', () => {
  it('give each size in the unit that suits it, with the digits it takes for the two to differ', () => {
    expect(tooLargeMessage(350 * 1024, 256 * 1024)).toBe('The object is 350 KB; the limit is 256 KB.');
    expect(tooLargeMessage(6 * 1024 * 1024, 5 * 1024 * 1024)).toBe('The object is 6.0 MB; the limit is 5.0 MB.');
    expect(tooLargeMessage(1_258_291, 256 * 1024)).toBe('The object is 1.2 MB; the limit is 256 KB.');
    expect(tooLargeMessage(1200, 1000)).toBe('The object is 1.2 KB; the limit is 1000 bytes.');
    expect(tooLargeMessage(5_242_881, 5_242_880)).toBe('The object is 5,242,881 bytes; the limit is 5,242,880 bytes.');
    expect(tooLargeMessage(5_250_000, 5_242_880)).toBe('The object is 5.01 MB; the limit is 5.00 MB.');
  });
});
