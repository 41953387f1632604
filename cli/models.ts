/**
 * `precis models [MODEL] [--probe]`: what precis knows about the configured
 * models (or the one named) and what it will send them: context, output
 * cap, effort, price, API, provider and shutdown date, from the capability
 * table, configuration and the server's model list. `--probe` makes one
 * small call to each, with the parameters an analysis sends, to confirm the
 * server takes them. One JSON object per model when piped, text on a
 * terminal.
 */
import { parseArgs } from 'node:util';
import type { Io } from './main.js';
import { escapeControls, jsonLine, terminalSafe } from './terminal.js';
import { UsageError } from './usage.js';

const OPTIONS = { probe: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

const n = (value: number) => value.toLocaleString('en');
const usd = (value: number) => `$${value}`;

type Description = Awaited<ReturnType<typeof import('../shared/analysis/llm/describe.js').describeModel>>;
type Probe = Awaited<ReturnType<typeof import('../shared/analysis/llm/describe.js').probeModel>>;

/** The description as a few lines a person reads before uploading anything. */
function text(d: Description & { probe?: Probe }): string {
  const p = d.price;
  const price = p
    ? `${usd(p.input)} input${p.cachedInput !== undefined ? `, ${usd(p.cachedInput)} cached` : ''}${p.cacheWrite !== undefined ? `, ${usd(p.cacheWrite)} cache write` : ''}, ${usd(p.output)} output per 1M tokens${p.longContext ? `; over ${n(p.longContext.aboveInputTokens)} prompt tokens ×${p.longContext.input} input, ×${p.longContext.output} output` : ''} (${p.asOf}, ${p.source})`
    : 'unknown: the cost is recorded as null (set PRECIS_PRICES)';
  const effort = [
    d.effort.sent ? `sends "${d.effort.sent}"` : 'none sent',
    d.effort.reasonsByDefault ? `room kept for ${d.effort.reasonsByDefault} reasoning` : 'no reasoning expected',
    d.effort.takes.length > 0 ? `takes ${d.effort.takes.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join('; ');
  const s = d.shutdown;
  const shutdown = s
    ? `${s.date} (${s.daysLeft <= 0 ? 'shut down' : `in ${s.daysLeft} days`}, from the ${s.source})${s.replacement ? `; replacement: ${s.replacement}` : ''}`
    : 'none announced';
  const probe = d.probe
    ? d.probe.accepted
      ? `accepted: ${d.probe.capName}, ${d.probe.outputMode}, effort ${d.probe.effort ?? 'not sent'}${d.probe.inputTokens !== undefined ? `, ${d.probe.inputTokens} in / ${d.probe.outputTokens} out, cost ${d.probe.costUsd === null ? 'unknown' : `$${(d.probe.costUsd ?? 0).toFixed(4)}`}` : ''}${d.probe.learnt?.length ? `; learnt that ${d.probe.learnt.join(', ')}` : ''}`
      : `refused: ${d.probe.error?.code}: ${d.probe.error?.message}`
    : null;
  return [
    `${d.model} (${d.known ? `table row ${d.family}` : 'unknown to precis: treated safely'})`,
    `  provider  ${d.provider}, ${d.api === 'responses' ? 'Responses API' : 'Chat Completions'}, ${d.outputMode}`,
    `  context   ${n(d.contextTokens)} tokens${d.server?.contextTokens ? ' (as the server reports)' : ''}`,
    `  output    cap ${n(d.outputCap)} of ${n(d.maxOutputTokens)} tokens, sent as ${d.capName}`,
    `  effort    ${effort}`,
    `  price     ${price}`,
    `  shutdown  ${shutdown}`,
    ...(probe ? [`  probe     ${probe}`] : []),
  ].join('\n');
}

export async function modelsMain(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (positionals.length > 1) throw new UsageError('models takes at most one MODEL');
  const [model] = positionals;
  const { cliConfig } = await import('./config.js');
  const [{ createLlmEngine, llmConfigured }, describe, { defaultCapName, providerOf }] = await Promise.all([
    import('../lambdas/analyze/deps.js'),
    import('../shared/analysis/llm/describe.js'),
    import('../shared/analysis/llm/transport.js'),
  ]);
  const base = cliConfig(io.env);
  const config = model
    ? { ...base, PRECIS_MODEL: model, PRECIS_ANALYSIS_MODEL: undefined, PRECIS_TRANSLATION_MODEL: undefined }
    : base;
  const configured = llmConfigured(config);
  if (values.probe && !configured) {
    throw new UsageError('--probe needs an LLM: set OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server');
  }
  const warn = (message: string) => io.stderr.write(`precis: ${escapeControls(message)}\n`);
  const engine = createLlmEngine(config, undefined, warn);
  const provider =
    config.PRECIS_LLM_PROVIDER === 'auto' ? providerOf(config.OPENAI_BASE_URL) : config.PRECIS_LLM_PROVIDER;
  const models = [
    ...new Set([
      config.PRECIS_ANALYSIS_MODEL ?? config.PRECIS_MODEL,
      config.PRECIS_TRANSLATION_MODEL ?? config.PRECIS_MODEL,
    ]),
  ];
  let refused = 0;
  for (const name of models) {
    const description: Description & { probe?: Probe } = await describe.describeModel(engine.calls, name, {
      provider,
      answerTokens: config.PRECIS_MAX_OUTPUT_TOKENS,
      defaultCapName: defaultCapName(provider),
      now: new Date(),
    });
    if (values.probe) {
      description.probe = await describe.probeModel(engine.calls, name, {
        limits: { maxCalls: 4, maxCostUsd: config.PRECIS_MAX_COST_PER_ARTICLE },
        timeoutMs: config.PRECIS_LLM_TIMEOUT_MS,
        defaultCapName: defaultCapName(provider),
      });
      if (!description.probe.accepted) refused++;
    }
    // A model's name, a server's message: text the CLI did not write is escaped as everywhere else.
    io.stdout.write(io.stdout.isTTY ? `${text(terminalSafe(description))}\n\n` : `${jsonLine(description)}\n`);
  }
  return refused > 0 ? 1 : 0;
}
