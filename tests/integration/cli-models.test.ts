import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { MODEL_TABLE } from '../../shared/analysis/llm/model-table.js';
import { runPrecis } from '../helpers/cli.js';
import { startStubOpenAI } from '../helpers/stub-openai.js';
import { scenarios } from '../helpers/stub-scenarios.js';

/** `precis models`: what precis knows about a model and will send it, and a probe that the server takes it. */

/** No LLM configured: the table and configuration answer, no server is asked. */
const OFFLINE = { PATH: process.env.PATH };

describe('precis models', () => {
  it('answers for every model in the table, and for one it does not know', async () => {
    for (const model of [...Object.keys(MODEL_TABLE), 'acme-reasoner-1']) {
      const { code, lines } = await runPrecis(OFFLINE, 'models', model);
      expect(code, model).toBe(0);
      expect(lines, model).toHaveLength(1);
      const [described] = lines;
      expect(described.model).toBe(model);
      expect(described.contextTokens).toBeGreaterThan(0);
      expect(described.outputCap).toBeGreaterThan(0);
      expect(described.known, model).toBe(model !== 'acme-reasoner-1');
    }
    const { lines } = await runPrecis(OFFLINE, 'models', 'acme-reasoner-1');
    // Unknown: room for reasoning in its cap, no effort sent, no price.
    expect(lines[0]).toMatchObject({ family: 'unknown', effort: { sent: null, takes: [] }, price: null });
    expect(lines[0].outputCap).toBeGreaterThan(4096);
  });

  it('describes the configured models by default, and says a shutdown with its replacement', async () => {
    const { code, lines, stderr } = await runPrecis(
      { ...OFFLINE, PRECIS_ANALYSIS_MODEL: 'gpt-5-mini', PRECIS_TRANSLATION_MODEL: 'gpt-6-luna' },
      'models',
    );
    expect(code).toBe(0);
    expect(lines.map((l) => l.model)).toEqual(['gpt-5-mini', 'gpt-6-luna']);
    expect(lines[0].shutdown).toMatchObject({ date: '2026-12-11', replacement: 'gpt-6.1-terra', source: 'table' });
    expect(stderr).toContain('gpt-5-mini');
  });

  it('prints lines a person reads on a terminal', async () => {
    let out = '';
    const code = await main(['models', 'gpt-5.6-luna'], {
      env: OFFLINE,
      stdout: { write: (t: string) => (out += t), isTTY: true },
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    expect(out).toContain('gpt-5.6-luna (table row gpt-5.6-luna)');
    expect(out).toMatch(/context\s+1,050,000 tokens/);
    expect(out).toMatch(
      /effort\s+none sent; room kept for medium reasoning; takes none, low, medium, high, xhigh, max/,
    );
    expect(out).toMatch(/shutdown\s+none announced/);
  });

  it('refuses --probe with no LLM configured', async () => {
    const { code, stderr } = await runPrecis(OFFLINE, 'models', '--probe');
    expect(code).toBe(2);
    expect(stderr).toContain('--probe needs an LLM');
  });
});

describe('precis models --probe', () => {
  it.each(scenarios())('is accepted by the %s profile, with what the server taught', async (name, scenario) => {
    const stub = await startStubOpenAI(scenario.stub);
    try {
      const { code, lines } = await runPrecis(
        { ...OFFLINE, ...scenario.env, OPENAI_BASE_URL: stub.baseURL },
        'models',
        '--probe',
      );
      expect(code, name).toBe(0);
      const [described] = lines;
      expect(described.probe, name).toMatchObject({ accepted: true });
      expect(stub.ledger.billed, name).toBe(1);
      if (name === 'gateway') {
        expect(described.probe).toMatchObject({
          capName: 'max_completion_tokens',
          learnt: ['the output cap is named max_completion_tokens'],
        });
      }
    } finally {
      await stub.close();
    }
  });
});
