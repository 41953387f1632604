/**
 * The HTTP API's contract, route by route: method, path, the request's
 * schemas (checked at the edge), the success status and the error codes each
 * route can answer. The handler serves these routes and no others; the
 * OpenAPI document (openapi.json, `npm run openapi`) is generated from them.
 */
import * as z from 'zod/mini';
import { ARTICLE_ID, STATUSES } from '../../shared/article.js';
import type { ErrorCode } from '../../shared/errors.js';
import { LANGUAGE_CODE } from '../../shared/languages.js';
import { lazily } from '../../shared/lazily.js';

/**
 * The OAuth scopes a Cognito access token needs (`-c auth=cognito`): `read`
 * for every GET, `reprocess` for every POST (uploads, reprocessing, redrives).
 */
export const API_SCOPES = { read: 'precis/read', reprocess: 'precis/reprocess' } as const;

/** Articles one bulk reprocess call looks at, at most: well inside the function's time. */
export const BULK_LIMIT = 50;

/** The description and example a schema carries into the OpenAPI document (classic zod's `.meta()`). */
const described = <S extends z.ZodMiniType>(schema: S, meta: z.core.GlobalMeta): S => {
  z.globalRegistry.add(schema, meta);
  return schema;
};

/** A whole positive number in decimal digits, as a query string gives it ("1e1", "0x10" and " 5" are not). */
const queryInt = (min: number, max: number, fallback: number) =>
  described(
    z.pipe(
      z.optional(
        z.pipe(
          z.pipe(z.string().check(z.regex(/^[0-9]{1,6}$/, 'a whole number in decimal digits')), z.transform(Number)),
          z.number().check(z.int(), z.gte(min), z.lte(max)),
        ),
      ),
      z.transform((n: number | undefined) => n ?? fallback),
    ),
    { description: `From ${min} to ${max}; ${fallback} when absent.` },
  );

export const articleId = described(z.string().check(z.regex(ARTICLE_ID)), {
  description: 'The article id: 24 hex digits, derived from the bucket and key.',
  example: '5f1d7c0a9b3e4d2a1c6b8e70',
});

/*
 * The request schemas are built on first use (shared/lazily.ts): a cold
 * start that serves one route builds that route's alone. They are written
 * with zod/mini, as the configuration (shared/config.ts): this file is on
 * the api's import path, and classic zod's methods would pull in all of zod
 * there.
 */
export const listQuery = lazily(() =>
  z.object({
    limit: queryInt(1, 100, 20),
    cursor: described(z.optional(z.string().check(z.minLength(1), z.maxLength(4096))), {
      description: "The previous page's nextCursor.",
    }),
    status: z.optional(z.enum(STATUSES)),
    key: described(z.optional(z.string().check(z.minLength(1), z.maxLength(1024))), {
      description: 'The S3 key an article was uploaded under: finds that one article.',
    }),
  }),
);

export const summaryQuery = lazily(() =>
  z.object({
    lang: described(
      z.optional(
        z.pipe(
          z.pipe(
            z.string().check(z.maxLength(16)),
            z.transform((lang: string) => lang.toLowerCase()),
          ),
          z.string().check(z.regex(LANGUAGE_CODE, 'a language code such as "ar" or "pt-br"')),
        ),
      ),
      { description: "A target language's code; the article's own language when absent." },
    ),
  }),
);

const scope = () =>
  described(z._default(z.enum(['all', 'translations']), 'all'), {
    description: '`all` redoes the analysis; `translations` only the translations not done.',
  });
const batch = () =>
  described(z._default(z.boolean(), false), {
    description:
      "Through the provider's Batch API, at its batch price (half, on OpenAI and Azure), answered within 24 hours: for backfills.",
  });
export const reprocessBody = lazily(() => z.strictObject({ scope: scope(), batch: batch() }));
/**
 * An instant as ISO 8601 gives it, with any offset, read as the instant in
 * UTC with milliseconds: the form receipt times are stored and compared in
 * (as strings), so "2026-12-05T20:00:00+05:00" means 15:00 UTC, not 20:00.
 */
const instant = () =>
  z.pipe(
    z.iso.datetime({ offset: true }),
    z.transform((at: string) => new Date(at).toISOString()),
  );
export const bulkBody = lazily(() =>
  z
    .strictObject({
      status: z.enum(['DONE', 'PARTIAL', 'FAILED'], {
        error: (issue) => (issue.input === undefined ? 'required: one of "DONE", "PARTIAL" or "FAILED"' : undefined),
      }),
      receivedFrom: z.optional(instant()),
      receivedBefore: z.optional(instant()),
      engine: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
      scope: scope(),
      batch: batch(),
      limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(BULK_LIMIT)), 25),
      cursor: z.optional(z.string().check(z.minLength(1))),
      dryRun: z._default(z.boolean(), false),
    })
    .check(
      // A window that ends before it starts is a mistake to say, not an empty page nor a query the table refuses.
      z.refine(
        (body) =>
          body.receivedFrom === undefined ||
          body.receivedBefore === undefined ||
          body.receivedFrom < body.receivedBefore,
        { message: 'must be later than receivedFrom', path: ['receivedBefore'] },
      ),
    ),
);
export const redriveBody = lazily(() =>
  z.strictObject({ max: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))) }),
);

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
/**
 * A media type as HTTP carries it (RFC 9110): `type/subtype`, then `;
 * name=value` parameters, all in visible ASCII. It is sent back as the PUT's
 * Content-Type header and stored as the object's: a character no header can
 * carry must be refused here, before anything is stored or signed.
 */
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

export const uploadBody = lazily(() =>
  z
    .strictObject({
      filename: described(z.string().check(z.minLength(1), z.maxLength(255)), {
        description: "The file's name; its extension tells the format (.html, .txt, .md, .json).",
      }),
      contentType: described(
        z.optional(
          z
            .string()
            .check(
              z.maxLength(200),
              z.regex(
                MEDIA_TYPE,
                'a media type such as "text/html; charset=utf-8", in visible ASCII (it is sent as a header)',
              ),
            ),
        ),
        {
          description: "The file's media type, sent as the PUT's Content-Type; application/octet-stream when absent.",
          example: 'text/html; charset=utf-8',
        },
      ),
      size: described(z.optional(z.number().check(z.int(), z.gte(1))), {
        description: "The file's size in bytes: asks for an upload URL signed for exactly this size.",
      }),
      content: described(z.optional(z.string()), {
        description: 'The article as text (at most 256 KB), stored at once.',
      }),
      contentBase64: described(z.optional(z.base64()), {
        description: 'The article as base64 (at most 256 KB decoded).',
      }),
    })
    .check(
      z.refine((body) => [body.size, body.content, body.contentBase64].filter((v) => v !== undefined).length === 1, {
        message: 'give exactly one of size (for an upload URL), content or contentBase64',
      }),
    ),
);

/** What a route answers on success: JSON (by its schema's name in responses.ts), text or HTML. */
export type Success = { status: 200 | 201 | 202; body: 'json' | 'text' | 'html'; schema?: string };

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  operationId: string;
  summary: string;
  /** Served without a key: the reader page and this contract. */
  public?: boolean;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  success: Success;
  /** Other successes (a dry run answers 200 where a bulk reprocess answers 202). */
  alsoSuccess?: Success[];
  /** The error codes this route answers beyond those every route can (INVALID_PARAMETER, 5xx). */
  problems: ErrorCode[];
  /** Answers an ETag and honours If-None-Match. */
  etag?: boolean;
}

export const ROUTES = [
  {
    method: 'GET',
    path: '/',
    operationId: 'readerPage',
    summary: 'The reader page: the articles, their summaries, claims and evidence, and uploads, in a browser.',
    public: true,
    success: { status: 200, body: 'html' },
    problems: [],
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openApi',
    summary: 'This document.',
    public: true,
    success: { status: 200, body: 'json' },
    problems: [],
  },
  {
    method: 'POST',
    path: '/articles',
    operationId: 'uploadArticle',
    summary: 'Upload an article: its content (up to 256 KB) at once, or its size for a presigned PUT URL.',
    body: uploadBody,
    success: { status: 201, body: 'json', schema: 'UploadTicket' },
    problems: ['TOO_LARGE', 'EMPTY_OBJECT'],
  },
  {
    method: 'GET',
    path: '/articles',
    operationId: 'listArticles',
    summary: 'Articles, newest first, a page at a time; or the one uploaded under a key.',
    query: listQuery,
    success: { status: 200, body: 'json', schema: 'ArticlePage' },
    problems: ['INVALID_CURSOR'],
  },
  {
    method: 'POST',
    path: '/articles/reprocess',
    operationId: 'reprocessMatching',
    summary: 'Reprocess the articles of a status (and window of receipt times), a page at a time.',
    body: bulkBody,
    success: { status: 202, body: 'json', schema: 'BulkReport' },
    alsoSuccess: [{ status: 200, body: 'json', schema: 'BulkReport' }],
    problems: ['INVALID_CURSOR'],
  },
  {
    method: 'GET',
    path: '/articles/{id}',
    operationId: 'getArticle',
    summary: 'One article: status, metadata, summary, claims, translations, checks, cost and provenance.',
    success: { status: 200, body: 'json', schema: 'ArticleRecord' },
    problems: ['ARTICLE_NOT_FOUND'],
    etag: true,
  },
  {
    method: 'GET',
    path: '/articles/{id}/summary',
    operationId: 'getSummary',
    summary: "The summary in the article's language, or its translation into another.",
    query: summaryQuery,
    success: { status: 200, body: 'json', schema: 'SummaryView' },
    problems: ['ARTICLE_NOT_FOUND', 'NOT_ANALYSED', 'TRANSLATION_NOT_FOUND'],
    etag: true,
  },
  {
    method: 'GET',
    path: '/articles/{id}/claims',
    operationId: 'getClaims',
    summary: 'The checkable claims, each with its evidence and offsets in the cleaned text.',
    success: { status: 200, body: 'json', schema: 'ClaimList' },
    problems: ['ARTICLE_NOT_FOUND', 'NOT_ANALYSED'],
    etag: true,
  },
  {
    method: 'GET',
    path: '/articles/{id}/text',
    operationId: 'getText',
    summary: "The cleaned text, exactly as the claims' offsets count it (UTF-16 code units).",
    success: { status: 200, body: 'text' },
    problems: ['ARTICLE_NOT_FOUND', 'NOT_CLEANED'],
    etag: true,
  },
  {
    method: 'POST',
    path: '/articles/{id}/reprocess',
    operationId: 'reprocessArticle',
    summary: 'Reprocess one finished article: all of it, or the translations not done.',
    body: reprocessBody,
    success: { status: 202, body: 'json', schema: 'Reprocessed' },
    problems: ['ARTICLE_NOT_FOUND', 'ARTICLE_BUSY', 'NOTHING_TO_REPROCESS'],
  },
  {
    method: 'POST',
    path: '/dead-letters/redrive',
    operationId: 'redrive',
    summary: 'Send the messages of the dead-letter queues back to work, and report what became of them.',
    body: redriveBody,
    success: { status: 200, body: 'json', schema: 'RedriveReport' },
    problems: [],
  },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]['operationId'];

const patterns = ROUTES.map((route) => ({
  route: route as RouteSpec,
  pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
}));

/** Paths served without a key (GET and HEAD). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(
  (ROUTES as readonly RouteSpec[]).filter((r) => r.public).map((r) => r.path),
);

/** The methods a path answers to (HEAD with GET, OPTIONS always), for 405's Allow; empty when no route has the path. */
export function allowedMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const { route, pattern } of patterns) if (pattern.test(path)) methods.add(route.method);
  if (methods.size === 0) return [];
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}
