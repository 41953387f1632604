import type OpenAI from 'openai';
import type { ModelDirectory, ServerModelInfo } from '../ports.js';
import type { Provider } from './transport.js';

/** One question to the server about its models is given this long; it is an aid, never a wait. */
const ASK_TIMEOUT_MS = 5_000;

type Entry = Record<string, unknown>;

/** What a server said, or null when it said nothing. */
const said = (info: ServerModelInfo | null) => (info && Object.values(info).some((v) => v !== undefined) ? info : null);

const positive = (value: unknown) => (typeof value === 'number' && value > 0 ? Math.floor(value) : undefined);
const day = (value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
    ? value.slice(0, 10)
    : value === null
      ? null
      : undefined;

/**
 * What the server's model list says about one model, read from the fields
 * each server documents:
 *
 * - OpenAI (and Azure's v1 API): `shutdown_date` on the model object
 *   (`GET /models/{model}`; YYYY-MM-DD, or null when none is announced);
 * - OpenRouter: `context_length` and `top_provider.max_completion_tokens`
 *   in `GET /models`;
 * - vLLM: `max_model_len` in `GET /models` (the `--max-model-len` it was
 *   started with);
 * - LM Studio: `GET /api/v0/models/{model}` (beside `/v1`) documents
 *   `max_context_length`, the model's trained maximum, not the window it
 *   was loaded with (4,096 unless set): that would overstate the window, so
 *   only a `loaded_context_length`, which newer versions add and no
 *   documentation found describes, is read.
 *
 * Ollama's and llama.cpp's OpenAI-compatible lists carry no window. A
 * server that says nothing, or cannot be asked, gives null.
 */
export class ServerModels implements ModelDirectory {
  constructor(
    private readonly client: OpenAI,
    private readonly provider: Provider,
  ) {}

  async describe(model: string): Promise<ServerModelInfo | null> {
    if (this.provider === 'openai' || this.provider === 'azure') return said(await this.retrieve(model));
    return said(await this.listed(model)) ?? said(await this.lmStudio(model));
  }

  private get<T>(path: string): Promise<T | null> {
    return this.client
      .get<T>(path, { timeout: ASK_TIMEOUT_MS, maxRetries: 0 })
      .then((body) => (body ?? null) as T | null)
      .catch(() => null);
  }

  private async retrieve(model: string): Promise<ServerModelInfo | null> {
    const entry = await this.get<Entry>(`/models/${encodeURIComponent(model)}`);
    if (!entry || !('shutdown_date' in entry)) return null;
    return { shutdownDate: day(entry.shutdown_date) };
  }

  private async listed(model: string): Promise<ServerModelInfo | null> {
    const list = await this.get<{ data?: Entry[] }>('/models');
    const entry = list?.data?.find((m) => m.id === model);
    if (!entry) return null;
    const top = (entry.top_provider ?? {}) as Entry;
    return {
      contextTokens: positive(entry.max_model_len) ?? positive(entry.context_length),
      maxOutputTokens: positive(top.max_completion_tokens),
      ...('shutdown_date' in entry ? { shutdownDate: day(entry.shutdown_date) } : {}),
    };
  }

  private async lmStudio(model: string): Promise<ServerModelInfo | null> {
    const base = this.client.baseURL.replace(/\/v1\/?$/, '');
    if (base === this.client.baseURL) return null;
    const entry = await this.get<Entry>(`${base}/api/v0/models/${encodeURIComponent(model)}`);
    const loaded = entry?.state === 'loaded' ? positive(entry.loaded_context_length) : undefined;
    return loaded ? { contextTokens: loaded } : null;
  }
}
