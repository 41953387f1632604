import { createServer, type Server } from 'node:http';
import { countTokens } from 'gpt-tokenizer';
import { closeNow, listen } from '../../local/listen.js';
import { autoAnswer, type ChatMessage, type ChatRequest, type Recorded, taskOf } from './stub-answers.js';
import { createStubBatches, type StubBatchControl } from './stub-batches.js';
import { billOf, hostedModel, localModel, type ServedModel } from './stub-models.js';
import { openaiError, outputCap, type Refusal, refusalOf } from './stub-rules.js';
import { tokensOf } from './stub-tokens.js';
import {
  type Answer,
  chatBody,
  duration,
  fromResponsesRequest,
  type ProviderProfile,
  promptTokensOf,
  readBody,
  responsesBody,
} from './stub-wire.js';

export { autoAnswer, type ChatMessage, type ChatRequest, type Recorded } from './stub-answers.js';
export type { StubBatchControl } from './stub-batches.js';
export type { ServedModel } from './stub-models.js';
export type { ProviderProfile } from './stub-wire.js';

/**
 * An OpenAI-compatible server on 127.0.0.1 for tests and measurements.
 *
 * It answers like a careful model would, from the request itself
 * (stub-answers.ts). Scripted steps replace those answers one request at a
 * time (invalid JSON, prose, schema violations, `length` and
 * `content_filter` finishes, refusals, 429 with Retry-After, 500, slow
 * answers). The models it serves are described in stub-models.ts.
 *
 * A provider profile makes it behave as that provider's documentation says:
 *
 * - `openai` (and `azure`, whose model names are deployments): rejects
 *   `max_tokens` on reasoning models, `reasoning_effort` on models without
 *   reasoning and effort values a model does not take (the API reference's
 *   `reasoning_effort` rules); refuses a prompt over the context window with
 *   `context_length_exceeded`; spends reasoning tokens inside
 *   `max_completion_tokens` (at the model's default effort when none is
 *   sent: medium for gpt-5.6 and gpt-6) and answers `length` when they run
 *   out; caches a repeated prompt prefix of 1,024 tokens or more in steps of
 *   128; answers `GET /models/{model}` with its `shutdown_date`; sends
 *   `x-ratelimit-*` headers and, over a tokens-per-minute quota that charges
 *   the prompt plus the output cap, a 429 with `retry-after-ms`; serves the
 *   Responses API, and Responses-only models only there. Azure takes its key
 *   in `api-key` or as a bearer token and refuses a filtered prompt with a
 *   400 of code `content_filter`.
 * - `gateway`: a proxy in front of OpenAI (LiteLLM, Helicone, a company's)
 *   at a URL of its own: OpenAI's rules and answers, passed on unchanged.
 * - `ollama`: ignores parameters it does not know (`max_completion_tokens`
 *   included) and silently cuts a prompt longer than its context (4,096
 *   tokens by default below 24 GiB of VRAM), reporting the cut
 *   `prompt_tokens`. A thinking model (Qwen3, DeepSeek-R1) thinks first,
 *   inside `max_tokens`, and returns it as `reasoning`;
 *   `reasoning_effort: "none"` turns thinking off. `undercountCached`: the
 *   versions that leave KV-cached prompt tokens out of `prompt_tokens`.
 * - `vllm`: refuses prompt plus output cap over `--max-model-len` with its
 *   "maximum context length" 400; lists `max_model_len` in `GET /models`;
 *   a reasoning parser returns the thinking as `reasoning_content`.
 * - `lmstudio`: refuses `response_format: json_object` with a 400 whose
 *   error is a bare string; with a thinking model and a JSON schema, leaves
 *   `content` empty and puts the JSON in `reasoning_content` (its bug
 *   tracker, #1698, #1773).
 * - `llamacpp`: refuses a prompt over `--ctx-size` with
 *   `exceed_context_size_error`.
 * - `openrouter`: model names carry the vendor (`openai/gpt-5-mini`); takes
 *   `reasoning: {effort}` and routing fields such as `provider`; reports
 *   `cost` and `reasoning` in its answers; lists `context_length` and
 *   `top_provider.max_completion_tokens` in `GET /models`.
 *
 * `think: true` puts a `<think>…</think>` block before the answer, as vLLM
 * without a reasoning parser and llama.cpp with `--reasoning-format none` do.
 *
 * The ledger adds up what the server would bill: the usage of every answer
 * it sent (errors are not billed), priced as the provider prices it.
 *
 * OpenAI-like profiles serve the Files and Batches endpoints too
 * (stub-batches.ts), whose batches move when the test says (`batches`).
 */

export type Step =
  | { kind: 'auto' }
  | { kind: 'content'; content: string }
  | { kind: 'transform'; edit: (answer: Record<string, unknown>, request: Recorded) => unknown }
  /** An answer in prose around the JSON, as a server that ignores `response_format` gives. */
  | { kind: 'prose' }
  /** The answer cut at `length`, or withheld by a `content_filter`. */
  | { kind: 'finish'; reason: 'length' | 'content_filter' }
  | { kind: 'refusal'; refusal: string }
  /** The connection is dropped without an answer (a reset). */
  | { kind: 'reset' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string; code?: string }
  | { kind: 'slow'; delayMs: number; then?: Step }
  /** The answer waits until `until` settles: a call held under way while a test looks at what a user sees meanwhile. */
  | { kind: 'held'; until: Promise<unknown>; then?: Step };

export interface StubOptions {
  profile?: ProviderProfile;
  /** Refuse `response_format: json_schema` with a 400, as servers without structured outputs do. */
  refuseJsonSchema?: boolean;
  /** A step for every request that matches, checked before the queue of scripted steps. */
  route?: (request: Recorded) => Step | undefined;
  /** Azure: deployment name → model family. */
  deployments?: Record<string, string>;
  /** The local server's context window (Ollama's num_ctx, vLLM's max-model-len, llama.cpp's ctx-size). */
  contextTokens?: number;
  /** A `<think>` block before every answer. */
  think?: boolean;
  /** A tokens-per-minute quota, charged at admission with the prompt plus the output cap. `windowMs` scales the minute. */
  tpm?: { limit: number; windowMs?: number };
  /** The time the quota refills by (ms); the system's by default, a test's virtual clock to keep the machine's pace out of it. */
  clock?: () => number;
  /** Azure: a prompt matching this is refused by the content filter. */
  filterPrompt?: RegExp;
  /** When set, requests must carry this key. */
  apiKey?: string;
  /** Ollama: leave the prompt tokens read from its KV cache out of `prompt_tokens`, and say nothing of them. */
  undercountCached?: boolean;
  /** Models served besides the ones stub-models.ts describes (a model newer than every table). */
  models?: Record<string, ServedModel>;
  /** The model names `GET /models` lists (local servers and OpenRouter list what they serve). */
  listed?: string[];
  /**
   * The `Server` header of every answer: none by default, as a provider's
   * server that precis bills as any; STUB_SERVER for precis's stand-in (`npm
   * run stub:llm` sets it), whose answers precis marks as a stub's and counts
   * as costing nothing.
   */
  server?: string;
}

export interface Ledger {
  /** Answers sent with usage (what is billed). */
  billed: number;
  /** Requests refused with an error status (not billed). */
  refused: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** Reasoning tokens as the usage reported them (servers that report none: 0). */
  reasoningTokens: number;
  /** What the answers cost, USD, at the provider's prices (0 for a local server). */
  costUsd: number;
  /** Prompts the server cut to its context before answering. */
  cut: number;
  /** Tokens charged against the quota at admission (prompt + output cap). */
  charged: number;
  /** When each request was admitted under the quota, and what it was charged. */
  admissions: { at: number; tokens: number }[];
  /** The answers of Batch API lines among those billed, and what they cost (at half the price, in `costUsd` too). */
  batch: { billed: number; costUsd: number };
}

export interface StubServer {
  url: string;
  /** The base URL for the openai client and OPENAI_BASE_URL. */
  baseURL: string;
  requests: Recorded[];
  ledger: Ledger;
  /** Drives the batches it was given (validation, progress, expiry), and lists them. */
  batches: StubBatchControl;
  /** Steps for the next requests, in order; when they run out, requests are answered automatically. */
  script(...steps: Step[]): void;
  setOptions(options: StubOptions): void;
  reset(): void;
  close(): Promise<void>;
}

/** Reasoning tokens a reasoning model spends at each effort (fixed, so tests can check the bill). */
const REASONING_SPENT: Record<string, number> = {
  none: 0,
  minimal: 48,
  low: 200,
  medium: 800,
  high: 2400,
  xhigh: 4800,
  max: 9600,
};

const THOUGHT = 'The user wants JSON. Let me read the article first and find the figures.';

const newLedger = (): Ledger => ({
  billed: 0,
  refused: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  cut: 0,
  charged: 0,
  admissions: [],
  batch: { billed: 0, costUsd: 0 },
});

/**
 * The longest prefix `text` shares with one of `seen`. A prompt that shares
 * more than the longest found so far has the same character at that length:
 * one that has not is passed over without reading it from its start. The
 * prompts of a kind share their schema and system prompt, thousands of
 * characters, and reading those again for each of the last 50 prompts was
 * a tenth of the stand-in's CPU in a burst of uploads.
 */
export function sharedPrefix(text: string, seen: readonly string[]): string {
  let longest = 0;
  for (const other of seen) {
    const n = Math.min(other.length, text.length);
    if (n <= longest || other.charCodeAt(longest) !== text.charCodeAt(longest)) continue;
    let i = 0;
    while (i < n && other.charCodeAt(i) === text.charCodeAt(i)) i++;
    longest = Math.max(longest, i);
  }
  return text.slice(0, longest);
}

/** The structured-outputs schema a request sends, as text ('' when it sends none). */
function schemaText(body: ChatRequest): string {
  const format = body.response_format;
  return format?.type === 'json_schema' && format.json_schema ? JSON.stringify(format.json_schema) : '';
}

/** Ollama cuts a prompt over its context silently, keeping the end: the article loses its beginning. */
function truncateForOllama(messages: ChatMessage[], room: number): ChatMessage[] {
  if (promptTokensOf(messages) <= room) return messages;
  const system = messages.filter((m) => m.role === 'system');
  const budget = room - promptTokensOf(system) - 8;
  const last = messages.filter((m) => m.role !== 'system').at(-1)?.content ?? '';
  // Drop the start until the rest fits (binary search on where the kept text begins).
  let lo = 0;
  let hi = last.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (countTokens(last.slice(mid)) > budget) lo = mid + 1;
    else hi = mid;
  }
  return [...system, { role: 'user', content: last.slice(lo) }];
}

/** As much of `text` as fits in `room` tokens. */
function truncated(text: string, room: number): string {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countTokens(text.slice(0, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo);
}

export async function startStubOpenAI(initial: StubOptions = {}, listenPort = 0): Promise<StubServer> {
  let options = initial;
  const requests: Recorded[] = [];
  const ledger = newLedger();
  let steps: Step[] = [];
  let counter = 0;
  /** Prompts seen, for prefix caching. */
  let seenPrompts: string[] = [];
  /** The quota's bucket: tokens available at `at`. */
  let bucket: { tokens: number; at: number } | null = null;

  const profile = () => options.profile ?? 'openai';
  const openaiLike = () => profile() === 'openai' || profile() === 'azure' || profile() === 'gateway';
  const local = () => ['ollama', 'vllm', 'lmstudio', 'llamacpp'].includes(profile());

  /** The model as the server serves it, or null for one it does not serve. */
  function served(model: string): ServedModel | null {
    const extra = options.models?.[model];
    if (profile() === 'azure') {
      const family = options.deployments?.[model];
      return family ? hostedModel(model, family) : null;
    }
    // A local server serves whatever it has loaded, with the context it was started with.
    if (local()) return extra ?? localModel(model, options.contextTokens ?? 32_768);
    return extra ?? hostedModel(model);
  }

  const quotaNow = () => (options.clock ?? Date.now)();

  /** Refills the quota's bucket to now. */
  function available(now: number): number {
    const tpm = options.tpm;
    if (!tpm) return Number.POSITIVE_INFINITY;
    const window = tpm.windowMs ?? 60_000;
    bucket ??= { tokens: tpm.limit, at: now };
    bucket = { tokens: Math.min(tpm.limit, bucket.tokens + ((now - bucket.at) * tpm.limit) / window), at: now };
    return bucket.tokens;
  }

  function rateHeaders(now: number): Record<string, string> {
    const tpm = options.tpm;
    if (!tpm || !openaiLike()) return {};
    const left = Math.max(0, Math.floor(available(now)));
    const window = tpm.windowMs ?? 60_000;
    return {
      'x-ratelimit-limit-tokens': String(tpm.limit),
      'x-ratelimit-remaining-tokens': String(left),
      'x-ratelimit-reset-tokens': duration(((tpm.limit - left) * window) / tpm.limit),
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-reset-requests': '6ms',
    };
  }

  /** The quota's check: the prompt plus the output cap must be available, else 429. */
  function admit(recorded: Recorded, now: number): Refusal | null {
    const tpm = options.tpm;
    if (!tpm) return null;
    const cost = promptTokensOf(recorded.body.messages) + (outputCap(recorded.body, profile()) ?? 4096);
    const left = available(now);
    if (bucket && left >= cost) {
      bucket.tokens -= cost;
      ledger.charged += cost;
      ledger.admissions.push({ at: now, tokens: cost });
      return null;
    }
    const window = tpm.windowMs ?? 60_000;
    const waitMs = Math.ceil(((cost - left) * window) / tpm.limit);
    return {
      status: 429,
      headers: { 'retry-after-ms': String(waitMs), 'retry-after': String(Math.ceil(waitMs / 1000)) },
      body: {
        error: {
          message: `Rate limit reached for ${recorded.body.model} in organization org-stub on tokens per min (TPM): Limit ${tpm.limit}, Used ${tpm.limit - Math.floor(left)}, Requested ${cost}. Please try again in ${duration(waitMs)}.`,
          type: 'tokens',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    };
  }

  /**
   * Tokens of the prompt a server read from its cache, and remembers this
   * prompt for the next. The structured-outputs schema comes first: OpenAI
   * puts it before the system message, and caches it with it.
   */
  function cacheOf(messages: ChatMessage[], schema: string): { cached: number; kept: number } {
    const text = `${schema}\n${messages.map((m) => `${m.role}\n${m.content}`).join('\n')}`;
    const prefix = sharedPrefix(text, seenPrompts);
    seenPrompts = [...seenPrompts.slice(-49), text];
    const tokens = prefix ? tokensOf(prefix) : 0;
    // OpenAI caches a prefix of 1,024 tokens or more, in steps of 128; Ollama's KV cache keeps any prefix.
    return { cached: openaiLike() && tokens >= 1024 ? Math.floor(tokens / 128) * 128 : 0, kept: tokens };
  }

  /** Reasoning tokens the model spends on this request, inside its output. */
  function reasoningOf(model: ServedModel, recorded: Recorded): number {
    const body = recorded.body;
    if (openaiLike() || profile() === 'openrouter') {
      const effort =
        body.reasoning_effort ??
        (recorded.raw.reasoning as { effort?: string } | undefined)?.effort ??
        model.defaultEffort;
      return model.thinks ?? REASONING_SPENT[effort ?? 'none'] ?? 0;
    }
    // Ollama documents `reasoning_effort: "none"` as what turns a thinking model's thinking off.
    return body.reasoning_effort === 'none' ? 0 : (model.thinks ?? 0);
  }

  function answer(recorded: Recorded, model: ServedModel, step: Step): Answer {
    let messages = recorded.body.messages;
    if (profile() === 'ollama') {
      const cut = truncateForOllama(messages, model.contextTokens);
      if (cut !== messages) ledger.cut++;
      messages = cut;
    }
    const effective: Recorded = { ...recorded, body: { ...recorded.body, messages } };
    // The structured-outputs schema is part of the prompt the provider bills (local servers turn it into a grammar).
    const schema = openaiLike() ? schemaText(recorded.body) : '';
    const whole = promptTokensOf(messages) + (schema ? tokensOf(schema) : 0);
    const cache = cacheOf(messages, schema);
    const promptTokens = options.undercountCached ? Math.max(1, whole - cache.kept) : whole;
    const reasoning = reasoningOf(model, recorded);

    let content: string | null;
    let refusal: string | null = null;
    let finish: Answer['finish'] = 'stop';
    switch (step.kind) {
      case 'content':
        content = step.content;
        break;
      case 'transform':
        content = JSON.stringify(step.edit(autoAnswer(effective), effective));
        break;
      case 'prose':
        content = `Here is the analysis you asked for.\n\nThe article reports several facts: ${JSON.stringify(autoAnswer(effective)).slice(0, 200)} and more.`;
        break;
      case 'refusal':
        content = null;
        refusal = step.refusal;
        break;
      case 'finish':
        finish = step.reason;
        content = step.reason === 'length' ? JSON.stringify(autoAnswer(effective)).slice(0, 120) : '';
        break;
      default:
        content = JSON.stringify(autoAnswer(effective));
    }
    if (content !== null && options.think) content = `<think>\n${THOUGHT}\n</think>\n\n${content}`;
    // LM Studio constrains the reasoning stream with the schema: the JSON lands there, `content` stays empty.
    const misrouted =
      profile() === 'lmstudio' && reasoning > 0 && recorded.body.response_format?.type === 'json_schema';
    let contentTokens = content ? countTokens(content) : 0;
    const cap = outputCap(recorded.body, profile());
    if (cap !== undefined && reasoning + contentTokens > cap && content !== null) {
      // The cap ran out: reasoning first, then as much of the answer as fits.
      finish = 'length';
      content = truncated(content, Math.max(0, cap - reasoning));
      contentTokens = countTokens(content);
    }
    const spent = Math.min(reasoning, cap ?? reasoning);
    const outputTokens = contentTokens + spent;
    if (content !== null) recorded.answer = content;
    return {
      content: misrouted ? '' : content,
      refusal,
      reasoningText: misrouted ? content : spent > 0 && !openaiLike() ? THOUGHT : null,
      finish,
      promptTokens,
      cached: cache.cached,
      contentTokens,
      reasoning: spent,
      costUsd: billOf(model.price, { inputTokens: promptTokens, cachedInputTokens: cache.cached, outputTokens }),
    };
  }

  function bill(a: Answer, api: 'chat' | 'responses', batch = false) {
    ledger.billed++;
    if (batch) {
      // "Batch API: save 50% on inputs and outputs."
      ledger.batch.billed++;
      ledger.batch.costUsd += a.costUsd / 2;
      ledger.costUsd -= a.costUsd / 2;
    }
    ledger.inputTokens += a.promptTokens;
    ledger.cachedInputTokens += a.cached;
    ledger.outputTokens += a.contentTokens + a.reasoning;
    // What the usage reports: local servers give no reasoning count.
    const reported = api === 'responses' || openaiLike() || profile() === 'openrouter';
    ledger.reasoningTokens += reported ? a.reasoning : 0;
    ledger.costUsd += a.costUsd;
  }

  /** `GET /models` and `GET /models/{id}`, with the fields each provider documents. */
  function modelList(path: string): { status: number; body: unknown } {
    const one = /\/models\/(.+)$/.exec(path)?.[1];
    const entry = (id: string) => {
      const model = served(id);
      const base = { id, object: 'model', created: 1_751_000_000, owned_by: openaiLike() ? 'openai' : 'stub' };
      if (openaiLike()) return { ...base, shutdown_date: model?.shutdownDate ?? null };
      if (profile() === 'vllm') return { ...base, max_model_len: model?.contextTokens };
      if (profile() === 'openrouter') {
        return {
          ...base,
          context_length: model?.contextTokens,
          top_provider: { context_length: model?.contextTokens, max_completion_tokens: model?.maxOutputTokens },
        };
      }
      return base;
    };
    if (one) {
      const id = decodeURIComponent(one);
      return served(id) && openaiLike()
        ? { status: 200, body: entry(id) }
        : { status: 404, body: { error: { message: `The model '${id}' does not exist`, code: 'model_not_found' } } };
    }
    return { status: 200, body: { object: 'list', data: (options.listed ?? []).map(entry) } };
  }

  /** One Batch API line answered as a call would be (a scripted status or refusal included), billed at the batch price. */
  function completeLine(api: 'chat' | 'responses', raw: Record<string, unknown>) {
    const body = api === 'chat' ? (raw as unknown as ChatRequest) : fromResponsesRequest(raw);
    const recorded: Recorded = {
      body,
      raw,
      api,
      headers: {},
      at: Date.now(),
      task: taskOf(body.response_format?.json_schema?.name, body.messages[0]?.content ?? ''),
    };
    requests.push(recorded);
    const model = served(body.model);
    const refused = refusalOf(recorded, model, profile(), options);
    if (refused || !model) {
      ledger.refused++;
      const r = refused ?? openaiError(404, 'unknown model');
      return { status: r.status, body: r.body };
    }
    let step: Step = options.route?.(recorded) ?? { kind: 'auto' };
    while (step.kind === 'slow' || step.kind === 'held') step = step.then ?? { kind: 'auto' };
    if (step.kind === 'status') {
      ledger.refused++;
      return {
        status: step.status,
        body: {
          error: {
            message: step.message ?? `stub error ${step.status}`,
            type: 'server_error',
            code: step.code ?? null,
          },
        },
      };
    }
    const a = answer(recorded, model, step.kind === 'reset' ? { kind: 'auto' } : step);
    bill(a, api, true);
    const id = ++counter;
    return {
      status: 200,
      body: api === 'chat' ? chatBody(profile(), body.model, a, id) : responsesBody(body.model, a, id),
    };
  }
  const batches = createStubBatches({ complete: completeLine, now: quotaNow, azure: () => profile() === 'azure' });

  /** The Server header the options name, if any. */
  const named = (): Record<string, string> => (options.server ? { server: options.server } : {});
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...named(), ...headers });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').replace(/\?.*$/, '');
    const batchAnswer = openaiLike() ? await batches.handle(req, path) : null;
    if (batchAnswer) {
      if (batchAnswer.raw) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', ...named() });
        res.end(batchAnswer.raw);
      } else send(batchAnswer.status, batchAnswer.body);
      return;
    }
    if (req.method === 'GET' && /\/v1\/models(\/.*)?$/.test(path)) {
      const listed = modelList(path);
      send(listed.status, listed.body);
      return;
    }
    const api = path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/responses') ? 'responses' : null;
    if (req.method !== 'POST' || !api || (api === 'responses' && !openaiLike())) {
      send(404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      return;
    }
    const raw = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const body = api === 'chat' ? (raw as ChatRequest) : fromResponsesRequest(raw);
    const recorded: Recorded = {
      body,
      raw,
      api,
      headers: req.headers,
      at: Date.now(),
      task: taskOf(body.response_format?.json_schema?.name, body.messages[0]?.content ?? ''),
    };
    requests.push(recorded);
    const now = quotaNow();
    const model = served(body.model);
    const refused = refusalOf(recorded, model, profile(), options) ?? admit(recorded, now);
    if (refused || !model) {
      ledger.refused++;
      const r = refused ?? openaiError(404, 'unknown model');
      send(r.status, r.body, { ...rateHeaders(now), ...r.headers });
      return;
    }

    let step: Step = options.route?.(recorded) ?? steps.shift() ?? { kind: 'auto' };
    while (step.kind === 'slow' || step.kind === 'held') {
      await (step.kind === 'held'
        ? step.until
        : new Promise((r) => setTimeout(r, (step as { delayMs: number }).delayMs)));
      if (res.destroyed || req.socket.destroyed) return;
      step = step.then ?? { kind: 'auto' };
    }
    if (step.kind === 'reset') {
      ledger.refused++;
      req.socket.destroy();
      return;
    }
    if (step.kind === 'status') {
      ledger.refused++;
      send(
        step.status,
        {
          error: {
            message: step.message ?? `stub error ${step.status}`,
            type: 'server_error',
            code: step.code ?? null,
          },
        },
        { ...rateHeaders(quotaNow()), ...step.headers },
      );
      return;
    }
    const a = answer(recorded, model, step);
    bill(a, api);
    const id = ++counter;
    send(
      200,
      api === 'chat' ? chatBody(profile(), body.model, a, id) : responsesBody(body.model, a, id),
      rateHeaders(quotaNow()),
    );
  });
  const port = await listen(server, listenPort);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    ledger,
    batches: batches.control,
    script: (...more) => steps.push(...more),
    setOptions: (next) => {
      options = next;
      bucket = null;
    },
    reset: () => {
      requests.length = 0;
      steps = [];
      options = {};
      seenPrompts = [];
      bucket = null;
      Object.assign(ledger, newLedger());
      batches.control.reset();
    },
    close: () => closeNow(server),
  };
}
