import { createServer, type IncomingMessage, type Server } from 'node:http';
import { countTokens } from 'gpt-tokenizer';
import { listen } from '../../local/listen.js';
import { extractClaims } from '../../shared/analysis/claims.js';
import { capabilitiesOf, familyOf, type ModelCapabilities } from '../../shared/analysis/llm/models.js';
import { costOf } from '../../shared/analysis/llm/prices.js';
import { splitSentences } from '../../shared/analysis/sentences.js';
import { summarize } from '../../shared/analysis/summarize.js';

/**
 * An OpenAI-compatible server on 127.0.0.1 for tests and measurements.
 *
 * It answers like a careful model would, from the request itself: an
 * extractive analysis of the article between the markers, a merge of part
 * summaries, or a "translation" written in the target language's script
 * with the figures kept. Scripted steps replace those answers one request at
 * a time (invalid JSON, prose, schema violations, `length` and
 * `content_filter` finishes, refusals, 429 with Retry-After, 500, slow
 * answers).
 *
 * A provider profile makes it behave as that provider's documentation says:
 *
 * - `openai` (and `azure`, whose model names are deployments): rejects
 *   `max_tokens` on reasoning models, `reasoning_effort` on models without
 *   reasoning and effort values a model does not take (the API reference's
 *   `reasoning_effort` rules); refuses a prompt over the context window with
 *   `context_length_exceeded`; spends reasoning tokens inside
 *   `max_completion_tokens` and answers `length` when they run out; caches
 *   a repeated prompt prefix of 1,024 tokens or more in steps of 128;
 *   sends `x-ratelimit-*` headers and, over a tokens-per-minute quota that
 *   charges the prompt plus the output cap, a 429 with `retry-after-ms`;
 *   serves the Responses API, and Responses-only models only there. Azure
 *   takes its key in `api-key` or as a bearer token and refuses a filtered
 *   prompt with a 400 of code `content_filter`.
 * - `ollama`: ignores parameters it does not know (`max_completion_tokens`
 *   included) and silently cuts a prompt longer than its context (4,096
 *   tokens by default below 24 GiB of VRAM), reporting the cut
 *   `prompt_tokens`.
 * - `vllm`: refuses prompt plus output cap over `--max-model-len` with its
 *   "maximum context length" 400.
 * - `lmstudio`: refuses `response_format: json_object` with a 400 whose
 *   error is a bare string.
 * - `llamacpp`: refuses a prompt over `--ctx-size` with
 *   `exceed_context_size_error`.
 * - `openrouter`: model names carry the vendor (`openai/gpt-5-mini`); takes
 *   `reasoning: {effort}` and routing fields such as `provider`; reports
 *   `cost` and `reasoning` in its answers.
 *
 * `think: true` puts a `<think>…</think>` block before the answer, as vLLM
 * without a reasoning parser and llama.cpp with `--reasoning-format none` do.
 *
 * The ledger adds up what the server would bill: the usage of every answer
 * it sent (errors are not billed).
 */

export type ProviderProfile = 'openai' | 'azure' | 'ollama' | 'vllm' | 'lmstudio' | 'llamacpp' | 'openrouter';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  max_tokens?: number;
  max_completion_tokens?: number;
  reasoning_effort?: string;
  [key: string]: unknown;
}

export interface Recorded {
  /** The request as a chat request (a Responses API request is mapped onto one; `raw` keeps it as sent). */
  body: ChatRequest;
  raw: Record<string, unknown>;
  api: 'chat' | 'responses';
  headers: IncomingMessage['headers'];
  at: number;
  /** The schema the request asked for, or the task recognised from the prompt in JSON mode. */
  task: 'article_analysis' | 'summary_merge' | 'summary_repair' | 'summary_judge' | 'translation' | 'unknown';
}

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
  | { kind: 'slow'; delayMs: number; then?: Step };

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
  /** Azure: a prompt matching this is refused by the content filter. */
  filterPrompt?: RegExp;
  /** When set, requests must carry this key. */
  apiKey?: string;
}

export interface Ledger {
  /** Answers sent with usage (what is billed). */
  billed: number;
  /** Requests refused with an error status (not billed). */
  refused: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Tokens charged against the quota at admission (prompt + output cap). */
  charged: number;
  /** When each request was admitted under the quota, and what it was charged. */
  admissions: { at: number; tokens: number }[];
}

export interface StubServer {
  url: string;
  /** The base URL for the openai client and OPENAI_BASE_URL. */
  baseURL: string;
  requests: Recorded[];
  ledger: Ledger;
  /** Steps for the next requests, in order; when they run out, requests are answered automatically. */
  script(...steps: Step[]): void;
  setOptions(options: StubOptions): void;
  reset(): void;
  close(): Promise<void>;
}

const ARTICLE = /=====BEGIN ARTICLE (\S+)=====\n([\s\S]*)\n=====END ARTICLE \1=====/;

function taskOf(schemaName: string | undefined, system: string): Recorded['task'] {
  if (
    schemaName === 'article_analysis' ||
    schemaName === 'summary_merge' ||
    schemaName === 'summary_repair' ||
    schemaName === 'summary_judge' ||
    schemaName === 'translation'
  ) {
    return schemaName;
  }
  if (system.startsWith('You analyse news articles')) return 'article_analysis';
  if (system.startsWith('You correct the summary')) return 'summary_repair';
  if (system.startsWith('You check a summary')) return 'summary_judge';
  if (system.startsWith('You merge the summaries')) return 'summary_merge';
  if (system.startsWith('You translate')) return 'translation';
  return 'unknown';
}

const pad = (items: string[], fill: string[]) => {
  const out = [...items];
  for (const f of fill) if (out.length < 3 && !out.includes(f)) out.push(f);
  while (out.length < 3) out.push(out[out.length - 1] ?? fill[0] ?? '…');
  return out.slice(0, 5);
};

/**
 * Common words of each language the project's detector knows, standing in
 * for a translation: the output reads as that language to a detector, in its
 * script, while the figures are kept as a faithful translation keeps them.
 */
const LANGUAGE_WORDS: Record<string, string[]> = {
  ar: ['في', 'من', 'على', 'إلى', 'أن', 'التي', 'الذي', 'كانت', 'قال', 'مع'],
  fa: ['در', 'از', 'به', 'این', 'که', 'را', 'با', 'است', 'برای', 'گفت'],
  ur: ['کے', 'میں', 'ہے', 'اور', 'سے', 'کی', 'کو', 'نے', 'یہ', 'ہیں'],
  ku: ['لە', 'و', 'بە', 'کە', 'ئەم', 'بۆ', 'دەکات', 'لەگەڵ', 'هەیە', 'وتی'],
  he: ['של', 'את', 'על', 'הוא', 'זה', 'עם', 'לא', 'כי', 'אמר', 'היא'],
  ru: ['и', 'в', 'не', 'на', 'что', 'он', 'с', 'как', 'это', 'по'],
  uk: ['і', 'в', 'не', 'на', 'що', 'він', 'з', 'як', 'це', 'їх'],
  el: ['και', 'το', 'της', 'η', 'σε', 'που', 'για', 'με', 'είναι', 'από'],
  hi: ['के', 'में', 'है', 'और', 'से', 'की', 'को', 'ने', 'यह', 'हैं'],
  bn: ['এবং', 'এই', 'করে', 'থেকে', 'জন্য', 'হয়', 'তার', 'সঙ্গে', 'বলেন', 'একটি'],
  zh: ['的', '是', '在', '了', '和', '有', '这', '人', '中', '说'],
  ja: ['の', 'に', 'は', 'を', 'た', 'が', 'で', 'して', 'います', 'こと'],
  ko: ['그', '이', '는', '을', '에', '가', '있다', '하고', '했다', '것'],
  fr: ['le', 'la', 'les', 'de', 'des', 'et', 'est', 'dans', 'pour', 'une', 'avec', 'qui'],
  de: ['der', 'die', 'und', 'ist', 'nicht', 'mit', 'für', 'auf', 'das', 'ein', 'sich', 'wurde'],
  es: ['el', 'la', 'los', 'de', 'y', 'es', 'en', 'para', 'con', 'una', 'que', 'por'],
  it: ['il', 'la', 'di', 'che', 'è', 'e', 'per', 'una', 'con', 'non', 'sono', 'della'],
  pt: ['o', 'a', 'de', 'que', 'e', 'do', 'da', 'em', 'um', 'para', 'não', 'com'],
  nl: ['de', 'het', 'een', 'van', 'en', 'in', 'is', 'dat', 'op', 'niet', 'met', 'voor'],
  pl: ['i', 'w', 'nie', 'na', 'się', 'z', 'jest', 'do', 'że', 'to', 'przez', 'który'],
  tr: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'olarak', 'daha', 'çok', 'olan', 'dedi'],
  id: ['yang', 'dan', 'di', 'ini', 'dengan', 'untuk', 'dari', 'dalam', 'tidak', 'akan', 'itu', 'kata'],
  vi: ['và', 'của', 'là', 'các', 'có', 'được', 'trong', 'cho', 'những', 'với', 'này', 'nói'],
  sw: ['na', 'ya', 'wa', 'kwa', 'katika', 'ni', 'la', 'za', 'hiyo', 'kuwa', 'alisema', 'cha'],
};

/** Every word replaced by a common word of the target language, in turn; figures and punctuation kept. */
function fakeTranslate(text: string, lang: string): string {
  const words = LANGUAGE_WORDS[lang.split('-')[0] ?? lang] ?? [`${lang}word`];
  let i = 0;
  return text.replace(/\p{L}[\p{L}\p{M}]*/gu, () => words[i++ % words.length] as string);
}

/** The answer a faithful model would give to the request (an empty object to a request it cannot read). */
export function autoAnswer(request: Recorded): Record<string, unknown> {
  try {
    return faithfulAnswer(request);
  } catch {
    // A prompt cut by the server's context no longer parses: a model would answer nonsense.
    return {};
  }
}

function faithfulAnswer(request: Recorded): Record<string, unknown> {
  const user = request.body.messages.filter((m) => m.role === 'user').at(0)?.content ?? '';
  switch (request.task) {
    case 'article_analysis': {
      const text = ARTICLE.exec(user)?.[2] ?? '';
      const summary = summarize(text);
      const sentences = splitSentences(text).map((s) => s.text);
      return {
        headline: summary.headline,
        short: summary.short,
        bullets: pad(summary.bullets, sentences),
        claims: extractClaims(text).map((c) => ({
          text: c.text,
          speaker: c.speaker,
          kind: c.kind,
          evidence: c.evidence,
          checkworthinessReason: 'Of public interest, harmful if false, and verifiable against official figures.',
          checkworthiness: c.checkworthiness,
        })),
      };
    }
    case 'summary_repair': {
      // A faithful model rewrites the summary from the article itself.
      const text = ARTICLE.exec(user)?.[2] ?? '';
      const summary = summarize(text);
      return {
        headline: summary.headline,
        short: summary.short,
        bullets: pad(
          summary.bullets,
          splitSentences(text).map((s) => s.text),
        ),
      };
    }
    case 'summary_judge': {
      // A faithful judge of a faithful summary: every sentence stated by the article.
      const listed = /Summary sentences \(JSON\): (\[[\s\S]*\])\s*$/.exec(user)?.[1] ?? '[]';
      const sentences = JSON.parse(listed) as { index: number }[];
      return {
        sentences: sentences.map((s) => ({ index: s.index, reason: 'The article states it.', supported: true })),
      };
    }
    case 'summary_merge': {
      const { parts } = JSON.parse(user) as { parts: { headline: string; short: string; bullets: string[] }[] };
      const shorts = parts.map((p) => p.short).join(' ');
      return {
        headline: parts[0]?.headline ?? '',
        short: shorts.split(/\s+/).slice(0, 55).join(' '),
        bullets: pad(parts.flatMap((p) => p.bullets).slice(0, 5), []),
      };
    }
    case 'translation': {
      const lang = /\(([a-z-]+)\)/.exec(request.body.messages[0]?.content ?? '')?.[1] ?? 'xx';
      const source = JSON.parse(user) as {
        headline?: string;
        short?: string;
        bullets?: string[];
        claims: { id: string; text: string; speaker?: string | null }[];
      };
      const claims = source.claims.map((c) => ({
        id: c.id,
        text: fakeTranslate(c.text, lang),
        speaker: c.speaker ? fakeTranslate(c.speaker, lang) : null,
      }));
      if (source.headline === undefined) return { claims };
      return {
        headline: fakeTranslate(source.headline, lang),
        short: fakeTranslate(source.short ?? '', lang),
        bullets: (source.bullets ?? []).map((b) => fakeTranslate(b, lang)),
        claims,
      };
    }
    default:
      return {};
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Tokens of a chat prompt as OpenAI counts them: each message's content plus a few for its framing. */
const promptTokensOf = (messages: ChatMessage[]) =>
  messages.reduce((sum, m) => sum + countTokens(String(m.content)) + 4, 3);

/** Reasoning tokens a reasoning model spends at each effort (fixed, so tests can check the bill). */
const REASONING_SPENT: Record<string, number> = {
  none: 0,
  minimal: 48,
  low: 200,
  medium: 800,
  high: 2400,
  xhigh: 4800,
};

/** "1.5s", "6m0s": the reset format of OpenAI's rate-limit headers. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.ceil(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** The Responses API request as a chat request, so one answering path serves both. */
function fromResponsesRequest(raw: Record<string, unknown>): ChatRequest {
  const input = raw.input;
  const messages: ChatMessage[] = [];
  if (typeof raw.instructions === 'string') messages.push({ role: 'system', content: raw.instructions });
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as { role?: string; content?: unknown }[]) {
      const content = Array.isArray(item.content)
        ? (item.content as { text?: string }[]).map((c) => c.text ?? '').join('')
        : String(item.content ?? '');
      messages.push({ role: item.role === 'developer' ? 'system' : (item.role ?? 'user'), content });
    }
  }
  const format = (raw.text as { format?: { type: string; name?: string; schema?: unknown } } | undefined)?.format;
  const reasoning = raw.reasoning as { effort?: string } | undefined;
  return {
    model: String(raw.model),
    messages,
    ...(format
      ? {
          response_format:
            format.type === 'json_schema'
              ? { type: 'json_schema', json_schema: { name: format.name ?? '', schema: format.schema } }
              : { type: format.type },
        }
      : {}),
    ...(typeof raw.max_output_tokens === 'number' ? { max_completion_tokens: raw.max_output_tokens } : {}),
    ...(reasoning?.effort ? { reasoning_effort: reasoning.effort } : {}),
  };
}

interface Refusal {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startStubOpenAI(initial: StubOptions = {}, listenPort = 0): Promise<StubServer> {
  let options = initial;
  const requests: Recorded[] = [];
  const newLedger = (): Ledger => ({
    billed: 0,
    refused: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    charged: 0,
    admissions: [],
  });
  const ledger = newLedger();
  let steps: Step[] = [];
  let counter = 0;
  /** Prompts seen, for prefix caching. */
  let seenPrompts: string[] = [];
  /** The quota's bucket: tokens available at `at`. */
  let bucket: { tokens: number; at: number } | null = null;

  const profile = () => options.profile ?? 'openai';
  const openaiLike = () => profile() === 'openai' || profile() === 'azure';

  /** The capabilities the server has for the requested model, or null for a model it does not serve. */
  function capabilities(model: string): ModelCapabilities | null {
    if (profile() === 'azure') {
      const family = options.deployments?.[model];
      return family ? capabilitiesOf(model, { family }) : null;
    }
    if (profile() === 'openai') return familyOf(model) ? capabilitiesOf(model) : null;
    if (profile() === 'openrouter') return capabilitiesOf(model);
    // A local server serves whatever it has loaded, with the context it was started with.
    return { ...capabilitiesOf(model), contextTokens: options.contextTokens ?? capabilitiesOf(model).contextTokens };
  }

  const openaiError = (status: number, message: string, extra: Record<string, unknown> = {}): Refusal => ({
    status,
    body: { error: { message, type: 'invalid_request_error', param: null, code: null, ...extra } },
  });

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

  /** What the provider refuses before answering, as its documentation says. */
  function validate(recorded: Recorded, caps: ModelCapabilities | null): Refusal | null {
    const { body } = recorded;
    const p = profile();
    if (options.apiKey) {
      const bearer = /^Bearer (.+)$/.exec(String(recorded.headers.authorization ?? ''))?.[1];
      const key = p === 'azure' ? (recorded.headers['api-key'] ?? bearer) : bearer;
      if (key !== options.apiKey) {
        return openaiError(401, 'Incorrect API key provided: sk-wr****ng.', { code: 'invalid_api_key' });
      }
    }
    if (!caps) {
      return p === 'azure'
        ? openaiError(404, 'The API deployment for this resource does not exist.', { code: 'DeploymentNotFound' })
        : openaiError(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, {
            code: 'model_not_found',
          });
    }
    if (p === 'lmstudio' && body.response_format?.type === 'json_object') {
      return { status: 400, body: { error: "'response_format.type' must be 'json_schema' or 'text'" } };
    }
    if (options.refuseJsonSchema && body.response_format?.type === 'json_schema') {
      return openaiError(400, "response_format 'json_schema' is not supported", { param: 'response_format' });
    }
    if (openaiLike()) {
      if (recorded.api === 'chat' && caps.api === 'responses') {
        return openaiError(404, 'This model is only supported in v1/responses and not in v1/chat/completions.');
      }
      if (body.max_tokens !== undefined && caps.efforts.length > 0) {
        return openaiError(
          400,
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          { param: 'max_tokens', code: 'unsupported_parameter' },
        );
      }
      if (body.reasoning_effort !== undefined) {
        if (caps.efforts.length === 0) {
          return openaiError(400, "Unsupported parameter: 'reasoning_effort' is not supported with this model.", {
            param: 'reasoning_effort',
            code: 'unsupported_parameter',
          });
        }
        if (!caps.efforts.includes(body.reasoning_effort as never)) {
          const listed = caps.efforts.map((e) => `'${e}'`);
          const values = `${listed.slice(0, -1).join(', ')}, and ${listed.at(-1)}`;
          return openaiError(
            400,
            `Unsupported value: '${body.reasoning_effort}' is not supported with the '${body.model}' model. Supported values are: ${values}.`,
            { param: 'reasoning_effort', code: 'unsupported_value' },
          );
        }
      }
      if (p === 'azure' && options.filterPrompt?.test(body.messages.map((m) => m.content).join('\n'))) {
        return {
          status: 400,
          body: {
            error: {
              message:
                "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
              type: null,
              param: 'prompt',
              code: 'content_filter',
              status: 400,
              innererror: {
                code: 'ResponsibleAIPolicyViolation',
                content_filter_result: { violence: { filtered: true, severity: 'medium' } },
              },
            },
          },
        };
      }
    }
    const prompt = promptTokensOf(body.messages);
    const cap = outputCap(body) ?? 0;
    if (openaiLike() && prompt + cap > caps.contextTokens) {
      return openaiError(
        400,
        `This model's maximum context length is ${caps.contextTokens} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
        { param: 'messages', code: 'context_length_exceeded' },
      );
    }
    if (p === 'vllm' && prompt + cap > caps.contextTokens) {
      return {
        status: 400,
        // vLLM's current error body (older versions sent the same fields without the `error` wrapper).
        body: {
          error: {
            message: `This model's maximum context length is ${caps.contextTokens} tokens. However, you requested ${prompt + cap} tokens (${prompt} in the messages, ${cap} in the completion). Please reduce the length of the messages or completion.`,
            type: 'BadRequestError',
            param: null,
            code: 400,
          },
        },
      };
    }
    if (p === 'llamacpp' && prompt > caps.contextTokens) {
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'the request exceeds the available context size, try increasing it',
            type: 'exceed_context_size_error',
            n_prompt_tokens: prompt,
            n_ctx: caps.contextTokens,
          },
        },
      };
    }
    return null;
  }

  /** The output cap the provider honours: Ollama knows `max_tokens` only. */
  function outputCap(body: ChatRequest): number | undefined {
    if (profile() === 'ollama') return body.max_tokens;
    return body.max_completion_tokens ?? body.max_tokens;
  }

  /** The quota's check: the prompt plus the output cap must be available, else 429. */
  function admit(recorded: Recorded, now: number): Refusal | null {
    const tpm = options.tpm;
    if (!tpm) return null;
    const cost = promptTokensOf(recorded.body.messages) + (outputCap(recorded.body) ?? 4096);
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

  /** Tokens of the longest prompt prefix seen before, cached in steps of 128 from 1,024 (OpenAI's prompt caching). */
  function cachedTokens(prompt: string): number {
    if (!openaiLike()) return 0;
    let longest = 0;
    for (const seen of seenPrompts) {
      let i = 0;
      const n = Math.min(seen.length, prompt.length);
      while (i < n && seen.charCodeAt(i) === prompt.charCodeAt(i)) i++;
      longest = Math.max(longest, i);
    }
    seenPrompts = [...seenPrompts.slice(-49), prompt];
    const tokens = longest > 0 ? countTokens(prompt.slice(0, longest)) : 0;
    return tokens >= 1024 ? Math.floor(tokens / 128) * 128 : 0;
  }

  /** Ollama cuts a prompt over its context silently, keeping the end: the article loses its beginning. */
  function truncateForOllama(body: ChatRequest, caps: ModelCapabilities): ChatMessage[] {
    const room = caps.contextTokens;
    if (promptTokensOf(body.messages) <= room) return body.messages;
    const system = body.messages.filter((m) => m.role === 'system');
    const budget = room - promptTokensOf(system) - 8;
    const rest = body.messages.filter((m) => m.role !== 'system');
    const last = rest.at(-1)?.content ?? '';
    // Drop the start until the rest fits (binary search on where the kept text begins).
    let lo = 0;
    let hi = last.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (countTokens(last.slice(mid)) > budget) lo = mid + 1;
      else hi = mid;
    }
    const cut = last.slice(lo);
    return [...system, { role: 'user', content: cut }];
  }

  interface Answer {
    content: string | null;
    refusal: string | null;
    finish: 'stop' | 'length' | 'content_filter';
    promptTokens: number;
    cached: number;
    contentTokens: number;
    reasoning: number;
  }

  function answer(recorded: Recorded, caps: ModelCapabilities, step: Step): Answer {
    const messages = profile() === 'ollama' ? truncateForOllama(recorded.body, caps) : recorded.body.messages;
    const effective: Recorded = { ...recorded, body: { ...recorded.body, messages } };
    const promptTokens = promptTokensOf(messages);
    const promptText = messages.map((m) => `${m.role}\n${m.content}`).join('\n');
    const cached = cachedTokens(promptText);
    const effort = recorded.body.reasoning_effort ?? caps.defaultEffort ?? 'none';
    const reasoning = caps.efforts.length > 0 && openaiLike() ? (REASONING_SPENT[effort] ?? 0) : 0;

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
    if (content !== null && options.think) {
      content = `<think>\nThe user wants JSON. Let me read the article first and find the figures.\n</think>\n\n${content}`;
    }
    let contentTokens = content ? countTokens(content) : 0;
    const cap = outputCap(recorded.body);
    if (cap !== undefined && reasoning + contentTokens > cap && content !== null) {
      // The cap ran out: reasoning first, then as much of the answer as fits.
      finish = 'length';
      const room = Math.max(0, cap - reasoning);
      let lo = 0;
      let hi = content.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (countTokens(content.slice(0, mid)) <= room) lo = mid;
        else hi = mid - 1;
      }
      content = content.slice(0, lo);
      contentTokens = countTokens(content);
    }
    return {
      content,
      refusal,
      finish,
      promptTokens,
      cached,
      contentTokens,
      reasoning: Math.min(reasoning, cap ?? reasoning),
    };
  }

  function bill(a: Answer) {
    ledger.billed++;
    ledger.inputTokens += a.promptTokens;
    ledger.cachedInputTokens += a.cached;
    ledger.outputTokens += a.contentTokens + a.reasoning;
    ledger.reasoningTokens += a.reasoning;
  }

  function chatBody(recorded: Recorded, caps: ModelCapabilities, a: Answer) {
    const completionTokens = a.contentTokens + a.reasoning;
    const usage: Record<string, unknown> = {
      prompt_tokens: a.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: a.promptTokens + completionTokens,
    };
    if (openaiLike() || profile() === 'openrouter') {
      usage.prompt_tokens_details = { cached_tokens: a.cached };
      usage.completion_tokens_details = { reasoning_tokens: a.reasoning };
    }
    if (profile() === 'openrouter') {
      usage.cost = costOf(caps.price, {
        inputTokens: a.promptTokens,
        outputTokens: completionTokens,
        cachedInputTokens: a.cached,
      });
    }
    const message: Record<string, unknown> = { role: 'assistant', content: a.content, refusal: a.refusal };
    if (profile() === 'openrouter') message.reasoning = a.reasoning > 0 ? 'Reading the article for figures.' : null;
    if (profile() === 'vllm' || profile() === 'llamacpp') message.reasoning_content = null;
    return {
      id: `chatcmpl-stub-${++counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: recorded.body.model,
      choices: [{ index: 0, finish_reason: a.finish, message }],
      usage,
    };
  }

  function responsesBody(recorded: Recorded, a: Answer) {
    const content =
      a.refusal !== null
        ? [{ type: 'refusal', refusal: a.refusal }]
        : [{ type: 'output_text', text: a.content ?? '', annotations: [] }];
    const incomplete =
      a.finish === 'length' ? 'max_output_tokens' : a.finish === 'content_filter' ? 'content_filter' : null;
    return {
      id: `resp_stub_${++counter}`,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      model: recorded.body.model,
      status: incomplete ? 'incomplete' : 'completed',
      incomplete_details: incomplete ? { reason: incomplete } : null,
      output: [
        ...(a.reasoning > 0 ? [{ id: `rs_${counter}`, type: 'reasoning', summary: [] }] : []),
        { id: `msg_${counter}`, type: 'message', role: 'assistant', status: 'completed', content },
      ],
      usage: {
        input_tokens: a.promptTokens,
        input_tokens_details: { cached_tokens: a.cached },
        output_tokens: a.contentTokens + a.reasoning,
        output_tokens_details: { reasoning_tokens: a.reasoning },
        total_tokens: a.promptTokens + a.contentTokens + a.reasoning,
      },
    };
  }

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const path = req.url ?? '';
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
    const now = Date.now();
    const caps = capabilities(body.model);
    const refused = validate(recorded, caps) ?? admit(recorded, now);
    if (refused || !caps) {
      ledger.refused++;
      const r = refused ?? openaiError(404, 'unknown model');
      send(r.status, r.body, { ...rateHeaders(now), ...r.headers });
      return;
    }

    let step: Step = options.route?.(recorded) ?? steps.shift() ?? { kind: 'auto' };
    while (step.kind === 'slow') {
      await new Promise((r) => setTimeout(r, (step as { delayMs: number }).delayMs));
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
        { ...rateHeaders(Date.now()), ...step.headers },
      );
      return;
    }
    const a = answer(recorded, caps, step);
    bill(a);
    send(200, api === 'chat' ? chatBody(recorded, caps, a) : responsesBody(recorded, a), rateHeaders(Date.now()));
  });
  const port = await listen(server, listenPort);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    ledger,
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
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
