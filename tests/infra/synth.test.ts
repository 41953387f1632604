import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_WORKER } from '../../lambdas/ingest/clean-worker-file.js';
import { cld3From } from '../../shared/cleaning/cld3.js';
import { FUNCTION_ENV } from '../helpers/function-env.js';
import { SAMPLES_DIR } from '../helpers/samples.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'precis-synth-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('cdk synth', () => {
  it('synthesizes the app offline with the CDK CLI, cdk-nag included, with context from the command line', async () => {
    const cdk = resolve(ROOT, 'node_modules/.bin/cdk');
    const { CDK_VALIDATION: _skip, ...env } = process.env;
    const { stderr } = await run(
      cdk,
      ['synth', '--quiet', '-o', out, '-c', 'targetLanguages=ar,fr', '-c', 'analyzeConcurrency=3'],
      {
        cwd: ROOT,
        env: { ...env, CDK_DISABLE_VERSION_CHECK: 'true', CI: 'true' },
        // Bundling seven functions takes a minute on an idle 2-core machine, and several on a busy one.
        timeout: 480_000,
      },
    );
    // The bundler warned of nothing (esbuild's warnings start with "▲ [WARNING]").
    expect(stderr).not.toMatch(/\[WARNING\]|will crash at run-time/);
    const template = JSON.parse(readFileSync(join(out, 'Precis.template.json'), 'utf8'));
    const analyze = Object.values(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).find(
      (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Environment).includes('precis-analyze'),
    );
    expect(JSON.stringify(analyze?.Properties.Environment)).toContain('"TARGET_LANGUAGES":"ar,fr"');
    // The validation report cdk-nag writes into: no plugin failed and no finding is open (a plugin with
    // nothing to report is left out, so an all-acknowledged run lists none).
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as {
      title: string;
      pluginReports: { pluginName: string; conclusion: 'success' | 'failure'; violations: unknown[] }[];
    };
    expect(report.title).toBe('Validation Report');
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success' || r.violations.length > 0)).toEqual([]);

    // Each bundle (ESM, with the createRequire banner and the SDK inside) loads under Node and exports its handler.
    const bundles = readdirSync(out)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(out, d, 'index.mjs'));
    expect(bundles).toHaveLength(5);
    // CLD3's 1 MB runtime sits beside the bundles that clean text, not inside them, and loads from there.
    const withModels = bundles.filter((bundle) => existsSync(join(bundle, '../cld3.cjs')));
    expect(withModels).toHaveLength(2);
    for (const bundle of bundles)
      expect(readFileSync(bundle, 'utf8')).not.toContain('data:application/octet-stream;base64');
    const cld3 = await cld3From(createRequire(import.meta.url)(join(withModels[0] as string, '../cld3.cjs')));
    expect(
      cld3.findLanguage('Le conseil municipal a voté le budget de la ville pour l’année prochaine.').language,
    ).toBe('fr');
    // The ingest function's cleaning worker is bundled beside it, and cleans an upload in a worker thread from there.
    const withWorker = bundles.filter((bundle) => existsSync(join(bundle, '..', CLEAN_WORKER.to)));
    expect(withWorker).toHaveLength(1);
    const cleaned = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { Worker } from 'node:worker_threads';
         import { readFileSync } from 'node:fs';
         const worker = new Worker(${JSON.stringify(join(withWorker[0] as string, '..', CLEAN_WORKER.to))}, { execArgv: [] });
         worker.on('message', (message) => {
           if (message.type === 'ready') {
             const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(SAMPLES_DIR, 'basra-water.html'))})).buffer;
             worker.postMessage({ id: 1, bytes, options: { name: 'basra-water.html' } }, [bytes]);
           } else {
             console.log(JSON.stringify(message));
             void worker.terminate();
           }
         });`,
      ],
      { env: { ...env, ...FUNCTION_ENV } },
    );
    expect(JSON.parse(cleaned.stdout)).toMatchObject({
      type: 'cleaned',
      article: { language: 'en', title: expect.stringMatching(/Basra/) },
    });
    for (const bundle of bundles) {
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`,
        ],
        {
          env: {
            ...env,
            ...FUNCTION_ENV,
          },
        },
      );
      expect(stdout.trim()).toBe('function');
    }
  }, 500_000);
});
