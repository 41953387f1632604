/**
 * Writes openapi.json from the API's routes and response schemas
 * (lambdas/api/openapi/document.ts). `--check` writes nothing and fails when
 * the file differs from what the code generates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../lambdas/api/openapi/document.js';

const ROOT = resolve(import.meta.dirname, '..');
export const OPENAPI_FILE = resolve(ROOT, 'openapi.json');

export function generatedOpenApi(): string {
  const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
  return `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
}

if (process.argv[1] === import.meta.filename) {
  const text = generatedOpenApi();
  if (process.argv.includes('--check')) {
    if (readFileSync(OPENAPI_FILE, 'utf8') !== text) {
      console.error('openapi.json differs from the routes and schemas: run `npm run openapi` and commit it.');
      process.exit(1);
    }
    console.log('openapi.json is current.');
  } else {
    writeFileSync(OPENAPI_FILE, text);
    console.log(`Wrote ${OPENAPI_FILE}.`);
  }
}
