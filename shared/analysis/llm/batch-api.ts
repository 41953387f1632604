import OpenAI, { toFile } from 'openai';
import type {
  BatchApi,
  BatchApiName,
  BatchResultLine,
  BatchState,
  BatchStatus,
  DeferredCall,
} from '../../batch/ports.js';
import { TransientError } from '../../errors.js';
import type { CallUsage } from '../usage.js';
import { fromStub, type Provider } from './transport.js';

/**
 * The Batch API of OpenAI and Azure OpenAI, through the `openai` client:
 * a JSONL file of requests uploaded with purpose `batch`, a batch over it
 * with a 24-hour completion window, its status polled, and its output and
 * error files read. Each line's `custom_id` names its article and call kind.
 *
 * OpenAI's lines name `/v1/chat/completions` (or `/v1/responses`); Azure's
 * v1 API names them without the version (`/chat/completions`), and its
 * model is the global-batch deployment's name.
 */
export class OpenAiBatchApi implements BatchApi {
  constructor(
    private readonly client: OpenAI,
    private readonly provider: Provider,
  ) {}

  private endpointOf(api: BatchApiName): '/v1/chat/completions' | '/v1/responses' {
    return api === 'chat' ? '/v1/chat/completions' : '/v1/responses';
  }

  private urlOf(api: BatchApiName): string {
    const endpoint = this.endpointOf(api);
    return this.provider === 'azure' ? endpoint.replace(/^\/v1/, '') : endpoint;
  }

  async upload(calls: DeferredCall[], api: BatchApiName): Promise<string> {
    const url = this.urlOf(api);
    const jsonl = calls
      .map((call) => JSON.stringify({ custom_id: call.customId, method: 'POST', url, body: call.body }))
      .join('\n');
    const file = await this.call('upload the batch file', async () =>
      this.client.files.create({
        file: await toFile(Buffer.from(`${jsonl}\n`), 'precis-batch.jsonl', { type: 'application/jsonl' }),
        purpose: 'batch',
      }),
    );
    return file.id;
  }

  async create(inputFileId: string, api: BatchApiName): Promise<BatchStatus> {
    const endpoint = this.urlOf(api) as '/v1/chat/completions';
    const batch = await this.call('create the batch', () =>
      this.client.batches.create({
        input_file_id: inputFileId,
        endpoint,
        completion_window: '24h',
        metadata: { source: 'precis' },
      }),
    );
    return statusOf(batch);
  }

  async findByInput(inputFileId: string): Promise<BatchStatus | null> {
    return this.call('list batches', async () => {
      // Newest first: a batch made from a file uploaded by this run is among the latest.
      for await (const batch of this.client.batches.list({ limit: 100 })) {
        if (batch.input_file_id === inputFileId) return statusOf(batch);
      }
      return null;
    });
  }

  async retrieve(batchId: string): Promise<BatchStatus> {
    return statusOf(await this.call('read the batch', () => this.client.batches.retrieve(batchId)));
  }

  async results(fileId: string): Promise<{ lines: BatchResultLine[]; stub: boolean }> {
    const response = await this.call('read a batch file', () => this.client.files.content(fileId));
    const text = await response.text();
    const lines = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => readLine(JSON.parse(line) as RawLine));
    return { lines, stub: fromStub(response.headers) };
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const status = error instanceof OpenAI.APIError ? ` (${error.status ?? 'no status'})` : '';
      throw new TransientError('LLM_UNAVAILABLE', `The Batch API could not ${what}${status}.`, error);
    }
  }
}

const iso = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString() : null);

function statusOf(batch: OpenAI.Batches.Batch): BatchStatus {
  return {
    id: batch.id,
    status: batch.status as BatchState,
    inputFileId: batch.input_file_id,
    outputFileId: batch.output_file_id ?? null,
    errorFileId: batch.error_file_id ?? null,
    expiresAt: iso(batch.expires_at),
    counts: {
      total: batch.request_counts?.total ?? 0,
      completed: batch.request_counts?.completed ?? 0,
      failed: batch.request_counts?.failed ?? 0,
    },
    errors: (batch.errors?.data ?? []).map((e) => `${e.code ?? 'error'}: ${e.message ?? ''}`.trim()),
  };
}

interface RawLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

/** A line as precis reads it: an answer (status 200) with its usage, or a failure with its code. */
function readLine(raw: RawLine): BatchResultLine {
  const customId = String(raw.custom_id ?? '');
  const status = raw.response?.status_code;
  if (raw.error || !raw.response || status !== 200) {
    const bodyError = (raw.response?.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    return {
      customId,
      ok: false,
      code: raw.error?.code ?? bodyError?.code ?? `status_${status ?? 'none'}`,
      message: raw.error?.message ?? bodyError?.message ?? 'The request failed in the batch.',
    };
  }
  return { customId, ok: true, body: raw.response.body, usage: usageOf(raw.response.body) };
}

/** A response body's usage, Chat Completions' fields or the Responses API's. */
export function usageOf(body: unknown): CallUsage {
  const usage = (body as { usage?: Record<string, unknown> } | null)?.usage ?? {};
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  const details = (usage.prompt_tokens_details ?? usage.input_tokens_details ?? {}) as Record<string, unknown>;
  const out = (usage.completion_tokens_details ?? usage.output_tokens_details ?? {}) as Record<string, unknown>;
  return {
    inputTokens: n(usage.prompt_tokens ?? usage.input_tokens),
    outputTokens: n(usage.completion_tokens ?? usage.output_tokens),
    cachedInputTokens: n(details.cached_tokens),
    reasoningTokens: n(out.reasoning_tokens),
    batch: true,
  };
}
