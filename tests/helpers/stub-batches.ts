import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The stand-in's Files and Batches endpoints, as OpenAI's API reference and
 * Batch guide describe them (and Azure OpenAI's global batch, whose lines
 * name the URL without `/v1`):
 *
 * - `POST /files` takes a multipart form (`purpose`, `file`); a `batch` file
 *   must be JSONL. `GET /files/{id}` is the file object, `GET
 *   /files/{id}/content` its bytes.
 * - `POST /batches` takes `{input_file_id, endpoint, completion_window:
 *   "24h", metadata}` and returns the batch object (`validating`), with
 *   `request_counts`, the `*_at` times and `expires_at` 24 hours on. `GET
 *   /batches/{id}`, `GET /batches` (newest first, `after` and `limit`), and
 *   `POST /batches/{id}/cancel` (`cancelling`, then `cancelled`).
 * - A batch moves only when the test says (`advance`, `finish`, `expire`),
 *   never by the clock: validating → in_progress (or `failed`, with
 *   `errors.data`, for lines with a duplicate `custom_id`, another method,
 *   another URL than the endpoint, or more than one model) → finalizing →
 *   completed. Each line is answered as the server answers a call; a line
 *   answered 200 goes to the output file, another status to the error file
 *   (`{id, custom_id, response: {status_code, request_id, body}, error:
 *   null}`). An expired batch keeps the lines it answered in its output file,
 *   and lists the rest in its error file with `error.code: "batch_expired"`.
 * - Every answer of a batch is billed at half its price (the ledger's
 *   `batch` part).
 */

export interface LineAnswer {
  status: number;
  body: unknown;
}

interface StoredFile {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  expires_at: number | null;
  content: Buffer;
}

type Status =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

interface Line {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

interface StubBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string | null;
  errors: {
    object: 'list';
    data: { code: string; message: string; param: string | null; line: number | null }[];
  } | null;
  input_file_id: string;
  completion_window: string;
  status: Status;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

interface BatchState {
  batch: StubBatch;
  lines: Line[];
  /** Output and error lines, in the order the lines were answered. */
  output: string[];
  errors: string[];
  answered: number;
}

export interface StubBatchControl {
  /** The batches, oldest first, as `GET /batches/{id}` shows them. */
  list(): StubBatch[];
  /**
   * One step for every batch not ended: validating → in_progress (or
   * failed), in_progress → finalizing after answering its lines (at most
   * `lines` of them this step, when given: it stays in_progress while any
   * are left), finalizing → completed, cancelling → cancelled.
   */
  advance(options?: { lines?: number }): void;
  /** Steps every batch to its end. */
  finish(): void;
  /**
   * The 24-hour window passes for every batch in progress: `answered` more
   * of its lines are answered first (none by default), then it expires.
   */
  expire(options?: { answered?: number }): void;
  /** Requests received on the files and batches endpoints, by method and path. */
  calls: string[];
  /** Forgets every file, batch and request: what a new server would hold (the server's `reset`). */
  reset(): void;
}

const TERMINAL: Status[] = ['failed', 'completed', 'expired', 'cancelled'];
const DAY_S = 86_400;
const newId = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function createStubBatches(options: {
  /** Answers one line's request as a call to `api` would be answered, billed at the batch price. */
  complete: (api: 'chat' | 'responses', body: Record<string, unknown>) => LineAnswer;
  /** The server's time (ms). */
  now: () => number;
  /** Azure's lines name the URL without `/v1`. */
  azure: () => boolean;
}) {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, BatchState>();
  const calls: string[] = [];
  const seconds = () => Math.floor(options.now() / 1000);

  const putFile = (filename: string, purpose: string, content: Buffer): StoredFile => {
    const file: StoredFile = {
      id: newId('file-'),
      object: 'file',
      bytes: content.length,
      created_at: seconds(),
      filename,
      purpose,
      expires_at: purpose === 'batch' ? seconds() + 30 * DAY_S : null,
      content,
    };
    files.set(file.id, file);
    return file;
  };
  const fileObject = ({ content: _content, ...file }: StoredFile) => file;
  const error = (status: number, message: string, code: string | null = null, param: string | null = null) => ({
    status,
    body: { error: { message, type: 'invalid_request_error', param, code } },
  });
  const urlOf = (endpoint: string) => (options.azure() ? endpoint.replace(/^\/v1/, '') : endpoint);

  function validate(state: BatchState): StubBatch['errors'] {
    const data: NonNullable<StubBatch['errors']>['data'] = [];
    const seen = new Set<string>();
    const models = new Set<string>();
    state.lines.forEach((line, i) => {
      const at = i + 1;
      if (seen.has(line.custom_id)) {
        data.push({
          code: 'duplicate_custom_id',
          message: `The custom_id '${line.custom_id}' is used twice.`,
          param: 'custom_id',
          line: at,
        });
      }
      seen.add(line.custom_id);
      if (line.method !== 'POST')
        data.push({ code: 'invalid_method', message: 'Only POST is supported.', param: 'method', line: at });
      if (line.url !== urlOf(state.batch.endpoint)) {
        data.push({
          code: 'mismatched_url',
          message: `The url must be ${urlOf(state.batch.endpoint)}.`,
          param: 'url',
          line: at,
        });
      }
      models.add(String(line.body?.model ?? ''));
    });
    if (models.size > 1) {
      data.push({
        code: 'mismatched_model',
        message: 'Every request in a batch must use the same model.',
        param: 'body.model',
        line: null,
      });
    }
    return data.length > 0 ? { object: 'list', data } : null;
  }

  function answerLines(state: BatchState, count: number): void {
    const api = state.batch.endpoint.endsWith('/responses') ? 'responses' : 'chat';
    const end = Math.min(state.lines.length, state.answered + count);
    for (; state.answered < end; state.answered++) {
      const line = state.lines[state.answered] as Line;
      const answer = options.complete(api, line.body);
      const row = {
        id: newId('batch_req_'),
        custom_id: line.custom_id,
        response: { status_code: answer.status, request_id: newId('req_'), body: answer.body },
        error: null,
      };
      if (answer.status === 200) {
        state.output.push(JSON.stringify(row));
        state.batch.request_counts.completed++;
      } else {
        state.errors.push(JSON.stringify(row));
        state.batch.request_counts.failed++;
      }
    }
  }

  /** The output and error files an ending batch leaves (none for an empty one). */
  function writeFiles(state: BatchState): void {
    if (state.output.length > 0) {
      state.batch.output_file_id = putFile(
        'batch_output.jsonl',
        'batch_output',
        Buffer.from(`${state.output.join('\n')}\n`),
      ).id;
    }
    if (state.errors.length > 0) {
      state.batch.error_file_id = putFile(
        'batch_errors.jsonl',
        'batch_output',
        Buffer.from(`${state.errors.join('\n')}\n`),
      ).id;
    }
  }

  function step(state: BatchState, lines: number): void {
    const b = state.batch;
    const now = seconds();
    if (b.status === 'validating') {
      b.errors = validate(state);
      if (b.errors) Object.assign(b, { status: 'failed', failed_at: now });
      else Object.assign(b, { status: 'in_progress', in_progress_at: now });
    } else if (b.status === 'in_progress') {
      answerLines(state, lines);
      if (state.answered >= state.lines.length) Object.assign(b, { status: 'finalizing', finalizing_at: now });
    } else if (b.status === 'finalizing') {
      writeFiles(state);
      Object.assign(b, { status: 'completed', completed_at: now });
    } else if (b.status === 'cancelling') {
      writeFiles(state);
      Object.assign(b, { status: 'cancelled', cancelled_at: now });
    }
  }

  const control: StubBatchControl = {
    list: () => [...batches.values()].map((s) => s.batch),
    advance: (opts = {}) => {
      for (const state of batches.values()) step(state, opts.lines ?? Number.POSITIVE_INFINITY);
    },
    finish: () => {
      for (const state of batches.values()) {
        while (!TERMINAL.includes(state.batch.status)) step(state, Number.POSITIVE_INFINITY);
      }
    },
    expire: (opts = {}) => {
      for (const state of batches.values()) {
        if (state.batch.status === 'validating') step(state, 0);
        if (state.batch.status !== 'in_progress') continue;
        answerLines(state, opts.answered ?? 0);
        for (const line of state.lines.slice(state.answered)) {
          state.errors.push(
            JSON.stringify({
              id: newId('batch_req_'),
              custom_id: line.custom_id,
              response: null,
              error: {
                code: 'batch_expired',
                message: 'This request could not be executed before the completion window expired.',
              },
            }),
          );
        }
        state.answered = state.lines.length;
        writeFiles(state);
        Object.assign(state.batch, { status: 'expired', expired_at: seconds() });
      }
    },
    calls,
    reset: () => {
      files.clear();
      batches.clear();
      calls.length = 0;
    },
  };

  /** Answers a request on the files and batches endpoints; null when the path is not one of theirs. */
  async function handle(req: IncomingMessage, path: string): Promise<(LineAnswer & { raw?: Buffer }) | null> {
    const method = req.method ?? 'GET';
    const files_ = /\/files(?:\/([^/]+))?(\/content)?$/.exec(path);
    const batches_ = /\/batches(?:\/([^/]+))?(\/cancel)?$/.exec(path);
    if (!files_ && !batches_) return null;
    calls.push(`${method} ${path}`);
    if (files_) {
      const [, id, content] = files_;
      if (method === 'POST' && !id) {
        const form = await new Request('http://stub/files', {
          method: 'POST',
          headers: { 'content-type': String(req.headers['content-type'] ?? '') },
          body: await readBytes(req),
        }).formData();
        const purpose = form.get('purpose');
        const upload = form.get('file');
        if (typeof purpose !== 'string' || !purpose)
          return error(400, "Missing required parameter: 'purpose'.", null, 'purpose');
        if (!(upload instanceof Blob)) return error(400, "Missing required parameter: 'file'.", null, 'file');
        const name = (upload as File).name ?? 'upload';
        if (purpose === 'batch' && !name.endsWith('.jsonl')) {
          return error(400, 'Invalid file format for Batch API. Must be .jsonl', 'invalid_file_format', 'file');
        }
        return { status: 200, body: fileObject(putFile(name, purpose, Buffer.from(await upload.arrayBuffer()))) };
      }
      const file = id ? files.get(id) : undefined;
      if (method === 'GET' && file && content) return { status: 200, body: null, raw: file.content };
      if (method === 'GET' && file) return { status: 200, body: fileObject(file) };
      return error(404, `No such File object: ${id}`, 'not_found', 'id');
    }
    const [, id, cancel] = batches_ as RegExpExecArray;
    if (method === 'POST' && !id) {
      const body = JSON.parse((await readBytes(req)).toString('utf8')) as Record<string, unknown>;
      const file = files.get(String(body.input_file_id ?? ''));
      if (!file)
        return error(
          400,
          `No such File object: ${String(body.input_file_id)}`,
          'invalid_request_error',
          'input_file_id',
        );
      if (file.purpose !== 'batch') return error(400, "The file's purpose must be 'batch'.", null, 'input_file_id');
      const endpoint = String(body.endpoint ?? '');
      const known = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings', '/v1/completions'];
      if (!known.includes(options.azure() ? `/v1${endpoint}` : endpoint)) {
        return error(400, `Invalid value for 'endpoint': ${endpoint}.`, null, 'endpoint');
      }
      if (body.completion_window !== '24h') {
        return error(400, "Invalid value for 'completion_window': only '24h' is supported.", null, 'completion_window');
      }
      const lines = file.content
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line);
      const created = seconds();
      const batch: StubBatch = {
        id: newId('batch_'),
        object: 'batch',
        endpoint: options.azure() ? `/v1${endpoint}` : endpoint,
        model: typeof lines[0]?.body?.model === 'string' ? (lines[0].body.model as string) : null,
        errors: null,
        input_file_id: file.id,
        completion_window: '24h',
        status: 'validating',
        output_file_id: null,
        error_file_id: null,
        created_at: created,
        in_progress_at: null,
        expires_at: created + DAY_S,
        finalizing_at: null,
        completed_at: null,
        failed_at: null,
        expired_at: null,
        cancelling_at: null,
        cancelled_at: null,
        request_counts: { total: lines.length, completed: 0, failed: 0 },
        metadata: (body.metadata as Record<string, string> | undefined) ?? null,
      };
      batches.set(batch.id, { batch, lines, output: [], errors: [], answered: 0 });
      return { status: 200, body: batch };
    }
    if (method === 'GET' && !id) {
      const url = new URL(req.url ?? '', 'http://stub');
      const all = [...batches.values()].map((s) => s.batch).reverse();
      const after = url.searchParams.get('after');
      const start = after ? all.findIndex((b) => b.id === after) + 1 : 0;
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const data = all.slice(start, start + limit);
      return {
        status: 200,
        body: {
          object: 'list',
          data,
          first_id: data[0]?.id ?? null,
          last_id: data.at(-1)?.id ?? null,
          has_more: start + limit < all.length,
        },
      };
    }
    const state = id ? batches.get(id) : undefined;
    if (!state) return error(404, `No batch found with id '${id}'.`, 'not_found', 'id');
    if (method === 'POST' && cancel) {
      if (!TERMINAL.includes(state.batch.status))
        Object.assign(state.batch, { status: 'cancelling', cancelling_at: seconds() });
      return { status: 200, body: state.batch };
    }
    if (method === 'GET') return { status: 200, body: state.batch };
    return error(404, `no route ${method} ${path}`);
  }

  return { control, handle };
}
