import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file's imports: relative ones as paths from the project root, packages by name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map(([, spec]) =>
    (spec as string).startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec as string)) : (spec as string),
  );
}

const layer = (path: string) => path.split('/')[0] as string;

describe('the layers', () => {
  it('keep shared/ below every entry: it imports nothing from lambdas/, local/, cli/ or infra/', () => {
    const upward = sources('shared').flatMap((file) =>
      importsOf(file)
        .filter((target) => ['lambdas', 'local', 'cli', 'infra'].includes(layer(target)))
        .map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('keep shared/ free of Lambda and middy types', () => {
    const edge = sources('shared').flatMap((file) =>
      importsOf(file)
        .filter((target) => target === 'aws-lambda' || target.startsWith('@middy/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(edge).toEqual([]);
  });

  it('build no SDK or OpenAI client in shared/: adapters are given theirs', () => {
    const built = sources('shared').filter((file) =>
      /new\s+(S3Client|DynamoDBClient|SQSClient|SecretsManagerClient|OpenAI)\s*\(/.test(
        readFileSync(join(ROOT, file), 'utf8'),
      ),
    );
    expect(built).toEqual([]);
  });

  it('keep the functions independent of the local stack and the CLI', () => {
    const upward = sources('lambdas').flatMap((file) =>
      importsOf(file)
        .filter((target) => ['local', 'cli'].includes(layer(target)))
        .map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('keep cleaning and analysis as libraries: they import no use case and no storage adapter', () => {
    const upward = [...sources('shared/cleaning'), ...sources('shared/analysis')].flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('shared/usecases') || target.startsWith('shared/storage'))
        .map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });
});
