import { describe, expect, it } from 'vitest';
import { serverMessage } from '../../../shared/analysis/llm/failures.js';

describe('serverMessage', () => {
  it('keeps a provider’s message readable: credentials redacted, cut to 300 characters with an ellipsis, no character split', () => {
    // Prepare: a key, then a long run of characters outside the basic plane.
    const error = new Error(`Invalid key sk-abcdef123456 for this model. ${'🙂'.repeat(400)}`);

    // Act
    const message = serverMessage(error);

    // Assess
    expect(message).toContain('[redacted]');
    expect(message).not.toContain('sk-abcdef123456');
    expect([...message]).toHaveLength(300);
    expect(message.endsWith('🙂…')).toBe(true);
    // No lone half of a surrogate pair.
    expect(message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('leaves a short message as it is', () => {
    expect(serverMessage(new Error('  The  server\nis busy. '))).toBe('The server is busy.');
  });
});
