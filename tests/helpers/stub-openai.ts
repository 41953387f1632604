import { createServer, type IncomingMessage, type Server } from 'node:http';
import { countTokens } from 'gpt-tokenizer';
import { listen } from '../../local/listen.js';
import { extractClaims } from '../../shared/analysis/claims.js';
import { splitSentences } from '../../shared/analysis/sentences.js';
import { summarize } from '../../shared/analysis/summarize.js';

/**
 * An OpenAI-compatible chat completions server on 127.0.0.1 for tests and
 * measurements. By default it answers like a careful model would, from the
 * request itself: an extractive analysis of the article between the markers,
 * a merge of part summaries, or a "translation" written in the target
 * language's script with the figures kept. Scripted steps replace those
 * answers one request at a time: invalid JSON, schema violations, 429 with
 * Retry-After, 500, slow answers, refusing JSON-schema structured outputs.
 */

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  [key: string]: unknown;
}

export interface Recorded {
  body: ChatRequest;
  headers: IncomingMessage['headers'];
  at: number;
  /** The schema the request asked for, or the task recognised from the prompt in JSON mode. */
  task: 'article_analysis' | 'summary_merge' | 'translation' | 'unknown';
}

export type Step =
  | { kind: 'auto' }
  | { kind: 'content'; content: string }
  | { kind: 'transform'; edit: (answer: Record<string, unknown>, request: Recorded) => unknown }
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  | { kind: 'slow'; delayMs: number; then?: Step };

export interface StubOptions {
  /** Refuse `response_format: json_schema` with a 400, as servers without structured outputs do. */
  refuseJsonSchema?: boolean;
  /** A step for every request that matches, checked before the queue of scripted steps. */
  route?: (request: Recorded) => Step | undefined;
}

export interface StubServer {
  url: string;
  /** The base URL for the openai client and OPENAI_BASE_URL. */
  baseURL: string;
  requests: Recorded[];
  /** Steps for the next requests, in order; when they run out, requests are answered automatically. */
  script(...steps: Step[]): void;
  setOptions(options: StubOptions): void;
  reset(): void;
  close(): Promise<void>;
}

const ARTICLE = /=====BEGIN ARTICLE (\S+)=====\n([\s\S]*)\n=====END ARTICLE \1=====/;

function taskOf(body: ChatRequest): Recorded['task'] {
  const named = body.response_format?.json_schema?.name;
  if (named === 'article_analysis' || named === 'summary_merge' || named === 'translation') return named;
  const system = body.messages[0]?.content ?? '';
  if (system.startsWith('You analyse news articles')) return 'article_analysis';
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

/** A word in the target language's script, standing in for a translated word. */
const SCRIPT_WORD: Record<string, string> = {
  ar: 'كلمة',
  fa: 'واژه',
  ur: 'لفظ',
  he: 'מילה',
  ru: 'слово',
  uk: 'слово',
  zh: '词',
  ja: '言葉',
  ko: '단어',
  el: 'λέξη',
  hi: 'शब्द',
};

/** Every word replaced by one word of the target language's script; figures and punctuation kept. */
function fakeTranslate(text: string, lang: string): string {
  const word = SCRIPT_WORD[lang] ?? `${lang}word`;
  return text.replace(/\p{L}[\p{L}\p{M}]*/gu, word);
}

/** The answer a faithful model would give to the request. */
export function autoAnswer(request: Recorded): Record<string, unknown> {
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
          checkworthiness: c.checkworthiness,
        })),
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
        headline: string;
        short: string;
        bullets: string[];
        claims: { id: string; text: string }[];
      };
      return {
        headline: fakeTranslate(source.headline, lang),
        short: fakeTranslate(source.short, lang),
        bullets: source.bullets.map((b) => fakeTranslate(b, lang)),
        claims: source.claims.map((c) => ({ id: c.id, text: fakeTranslate(c.text, lang) })),
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

export async function startStubOpenAI(initial: StubOptions = {}, listenPort = 0): Promise<StubServer> {
  let options = initial;
  const requests: Recorded[] = [];
  let steps: Step[] = [];
  let counter = 0;

  const completion = (request: Recorded, content: string) => {
    const promptTokens = request.body.messages.reduce((sum, m) => sum + countTokens(String(m.content)) + 4, 3);
    return {
      id: `chatcmpl-stub-${++counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: countTokens(content),
        total_tokens: promptTokens + countTokens(content),
        prompt_tokens_details: { cached_tokens: 0 },
      },
    };
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      send(404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatRequest;
    const recorded: Recorded = { body, headers: req.headers, at: Date.now(), task: taskOf(body) };
    requests.push(recorded);

    if (options.refuseJsonSchema && body.response_format?.type === 'json_schema') {
      send(400, {
        error: { message: "response_format 'json_schema' is not supported", type: 'invalid_request_error' },
      });
      return;
    }
    let step: Step = options.route?.(recorded) ?? steps.shift() ?? { kind: 'auto' };
    while (step.kind === 'slow') {
      await new Promise((r) => setTimeout(r, (step as { delayMs: number }).delayMs));
      if (res.destroyed || req.socket.destroyed) return;
      step = step.then ?? { kind: 'auto' };
    }
    switch (step.kind) {
      case 'status':
        send(
          step.status,
          { error: { message: step.message ?? `stub error ${step.status}`, type: 'server_error' } },
          step.headers,
        );
        return;
      case 'content':
        send(200, completion(recorded, step.content));
        return;
      case 'transform':
        send(200, completion(recorded, JSON.stringify(step.edit(autoAnswer(recorded), recorded))));
        return;
      default:
        send(200, completion(recorded, JSON.stringify(autoAnswer(recorded))));
    }
  });
  const port = await listen(server, listenPort);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    script: (...more) => steps.push(...more),
    setOptions: (next) => {
      options = next;
    },
    reset: () => {
      requests.length = 0;
      steps = [];
      options = {};
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
