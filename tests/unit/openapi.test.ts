import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../lambdas/api/handler.js';
import { ROUTES } from '../../lambdas/api/routes.js';
import { observability } from '../../lambdas/runtime.js';
import { generatedOpenApi, OPENAPI_FILE } from '../../scripts/openapi.js';
import { context, restEvent } from '../helpers/events.js';

const checkedIn = readFileSync(OPENAPI_FILE, 'utf8');

describe('the OpenAPI document', () => {
  it('is what the routes and response schemas generate (run `npm run openapi` when this fails)', () => {
    expect(checkedIn).toBe(generatedOpenApi());
  });

  it("passes Redocly's recommended-strict rules with no problem at all", async () => {
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: checkedIn, absoluteRef: OPENAPI_FILE, config });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('names every route the handler serves, and the handler serves it as the document', async () => {
    const document = JSON.parse(checkedIn) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(operations.sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
    const handler = createApiHandler({ logger: observability('test-api').logger } as never);
    const response = await handler(restEvent('/openapi.json'), context());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(document);
  });
});
