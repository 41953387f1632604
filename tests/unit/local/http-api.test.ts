import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startHttpApi } from '../../../local/http-api.js';

/** The local API with a handler that answers every request 200. */
let api: LocalApi;
beforeAll(async () => {
  api = await startHttpApi({
    port: 0,
    apiKey: 'k',
    handler: async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"items":[]}' }),
  });
});
afterAll(() => api.close());

describe('the local API refusing a request Node cannot read', () => {
  it('answers a 100 KB query string with its problem document, 431 HEADERS_TOO_LARGE, not a bare 431', async () => {
    // Act
    const response = await fetch(`${api.endpoint}/articles?status=${'x'.repeat(100 * 1024)}`, {
      headers: { 'x-api-key': 'k' },
    });
    // Assess
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Request header fields too large',
      status: 431,
      detail: expect.stringMatching(/larger than the 16 KB this server reads/),
      code: 'HEADERS_TOO_LARGE',
    });
  });

  it('still answers the next request as before', async () => {
    const response = await fetch(`${api.endpoint}/articles?status=DONE`, { headers: { 'x-api-key': 'k' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [] });
  });
});
