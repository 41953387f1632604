/**
 * The API's responses as zod schemas, for its OpenAPI document and for the
 * tests that check real answers against it. The types they describe are the
 * use cases' own; `Same` below fails the build when the two part ways.
 */
import * as z from 'zod';
import { type ArticleRecord, CLAIM_KINDS, STATUSES } from '../../../shared/article.js';
import { ERROR_CODES } from '../../../shared/errors.js';
import type { ArticleListItem, SummaryView } from '../../../shared/usecases/read-articles.js';
import type { BulkReport, RedriveReport, Reprocessed } from '../../../shared/usecases/reprocess.js';
import type { UploadTicket } from '../../../shared/usecases/upload.js';

const status = z.enum(STATUSES).meta({
  id: 'Status',
  description: 'Where the article is: RECEIVED → CLEANED → ANALYZING → DONE | PARTIAL | FAILED.',
});
const instant = z.string().meta({ format: 'date-time' });
const language = z.string().meta({ description: 'An ISO 639-1 code (or a BCP 47 tag such as pt-br).' });
const errorCode = z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]);

const summary = z
  .object({ headline: z.string(), short: z.string(), bullets: z.array(z.string()) })
  .meta({ id: 'Summary' });

const claim = z
  .object({
    id: z.string(),
    text: z.string(),
    speaker: z.string().nullable(),
    kind: z.enum(CLAIM_KINDS),
    evidence: z.string().meta({ description: 'Verbatim from the cleaned text when grounded: text.slice(start, end).' }),
    start: z.number().int().nullable().meta({ description: 'Offset in UTF-16 code units of GET /articles/{id}/text.' }),
    end: z.number().int().nullable(),
    grounded: z.boolean(),
    match: z.enum(['exact', 'normalized', 'fuzzy']).nullable(),
    matchScore: z.number().nullable(),
    unsupported: z.array(z.string()).optional(),
    checkworthiness: z.number().min(0).max(1),
    checkworthinessReason: z.string().optional(),
  })
  .meta({ id: 'Claim' });

const translationDone = {
  status: z.literal('done'),
  headline: z.string(),
  short: z.string(),
  bullets: z.array(z.string()),
  claims: z.array(z.object({ id: z.string(), text: z.string(), speaker: z.string().nullable().optional() })),
};
const translationMissing = { status: z.enum(['unavailable', 'failed']), reason: z.string() };
const translation = z
  .discriminatedUnion('status', [z.object(translationDone), z.object(translationMissing)])
  .meta({ id: 'Translation' });

const stageUsage = z
  .object({
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cachedInputTokens: z.number().int().optional(),
    reasoningTokens: z.number().int().optional(),
    calls: z.number().int().optional(),
    batchCalls: z.number().int().optional(),
    costUsd: z.number().nullable(),
  })
  .meta({ id: 'StageUsage' });

const provenance = z
  .object({
    engine: z.string(),
    model: z.string().nullable(),
    translationModel: z.string().nullable().optional(),
    promptVersion: z.string().nullable(),
    cleanerVersion: z.string(),
    chunks: z.number().int().optional(),
    cacheHit: z.boolean().optional(),
    stub: z
      .boolean()
      .optional()
      .meta({ description: "Answered by precis's stand-in LLM: its translations are filler, not translations." }),
    duplicateOf: z
      .object({ contentHash: z.string(), similarity: z.number() })
      .optional()
      .describe('Reused from the analysis of a near copy of this text (a syndicated story): nothing was paid for it.'),
    fallback: z.object({ from: z.string(), code: z.string(), message: z.string() }).optional(),
    llm: z
      .object({
        api: z.enum(['chat', 'responses']),
        provider: z.string(),
        outputMode: z.enum(['json_schema', 'json_object', 'prompt']),
        reasoningEffort: z.string().nullable(),
      })
      .optional(),
  })
  .meta({ id: 'Provenance' });

const finding = z.object({ text: z.string(), reason: z.string() });
const checks = z
  .object({
    summary: z
      .object({
        verified: z.boolean(),
        unsupportedFigures: z.array(z.string()),
        repaired: z.boolean().optional(),
        replaced: z.array(z.string()).optional(),
      })
      .optional(),
    faithfulness: z
      .object({
        supported: z.boolean(),
        unsupported: z.array(finding),
        judge: z.object({ model: z.string(), supported: z.boolean(), unsupported: z.array(finding) }).optional(),
      })
      .optional(),
    claims: z.object({
      total: z.number().int(),
      grounded: z.number().int(),
      ungrounded: z.number().int(),
      unsupported: z.number().int().optional(),
      dropped: z.number().int(),
    }),
    numbers: z.object({
      summaryNotInArticle: z.array(z.string()),
      translations: z.record(z.string(), z.object({ missing: z.array(z.string()), added: z.array(z.string()) })),
    }),
  })
  .meta({ id: 'Checks' });

const articleError = z
  .object({ code: errorCode, message: z.string(), stage: z.enum(['ingest', 'analyze']), attempts: z.number().int() })
  .meta({ id: 'ArticleError' });

const reprocessScope = z.enum(['all', 'translations']);

export const articleRecord = z
  .object({
    id: z.string(),
    sourceBucket: z.string(),
    sourceKey: z.string(),
    sourceEtag: z.string().nullable(),
    sourceSize: z.number().int().nullable(),
    sourceSequencer: z.string(),
    status,
    error: articleError.optional(),
    format: z.enum(['html', 'text', 'markdown', 'json']).optional(),
    encoding: z.string().optional(),
    contentHash: z.string().optional(),
    wordCount: z.number().int().optional(),
    textKey: z.string().optional(),
    resultKey: z.string().optional(),
    title: z.string().nullable().optional(),
    byline: z.string().nullable().optional(),
    publishedAt: z.string().nullable().optional(),
    site: z.string().nullable().optional(),
    url: z.string().nullable().optional(),
    language: language.nullable().optional(),
    summary: summary.optional(),
    claims: z.array(claim).optional(),
    translations: z.record(z.string(), translation).optional(),
    usage: z.record(z.string(), stageUsage).optional(),
    provenance: provenance.optional(),
    checks: checks.optional(),
    batch: z
      .object({
        state: z.enum(['queued', 'submitted', 'collected', 'realtime']),
        id: z.string().nullable(),
        job: z.string().nullable(),
        deadline: instant.nullable(),
        requests: z.number().int(),
        rounds: z.number().int(),
        queuedAt: instant,
        reason: z.string().optional(),
      })
      .optional()
      .meta({
        id: 'BatchWait',
        description:
          "Batch mode: what the article's calls wait on in the provider's Batch API (the batch's id and deadline), or went through.",
      }),
    reprocess: z
      .object({
        scope: reprocessScope,
        requestedAt: instant,
        from: status,
        batch: z.boolean().optional(),
        previousKey: z
          .string()
          .optional()
          .meta({ description: 'The copy of the record as it was before the reprocess (`history/`).' }),
      })
      .optional(),
    timings: z.record(z.string(), z.number()).optional(),
    receivedAt: instant,
    updatedAt: instant,
    cleanedAt: instant.optional(),
    analyzedAt: instant.optional(),
  })
  .meta({ id: 'ArticleRecord' });

const listItem = z
  .object({
    id: z.string(),
    sourceKey: z.string(),
    status,
    title: z.string().nullable(),
    language: language.nullable(),
    publishedAt: z.string().nullable(),
    receivedAt: instant,
    updatedAt: instant,
    error: articleError.nullable(),
  })
  .meta({ id: 'ArticleListItem' });

const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass it as `cursor` for the next page; null on the last.' });

export const articlePage = z.object({ items: z.array(listItem), nextCursor }).meta({ id: 'ArticlePage' });

/** On a summary or claims read while a reprocess is under way: they are the previous run's. */
const previousRun = {
  previous: z
    .object({
      status: z.enum(['RECEIVED', 'CLEANED', 'ANALYZING']),
      reprocessRequestedAt: instant,
    })
    .optional()
    .meta({
      id: 'PreviousRun',
      description:
        "Present while the article is being reprocessed: what is shown is the previous run's analysis, kept until the new run ends (then the new one, or, if it fails, none).",
    }),
};

export const summaryView = z
  .union([
    z.object({
      articleId: z.string(),
      lang: language.nullable(),
      original: z.literal(true),
      status: z.literal('done'),
      headline: z.string(),
      short: z.string(),
      bullets: z.array(z.string()),
      ...previousRun,
    }),
    z.object({
      articleId: z.string(),
      lang: language,
      original: z.literal(false),
      ...translationDone,
      stub: z.literal(true).optional().meta({
        description:
          "Written by precis's stand-in LLM (npm run stub:llm): filler words in the language's script, not a translation (stub translation: not a real translation).",
      }),
      ...previousRun,
    }),
    z.object({
      articleId: z.string(),
      lang: language,
      original: z.literal(false),
      ...translationMissing,
      ...previousRun,
    }),
  ])
  .meta({ id: 'SummaryView' });

export const claimList = z
  .object({ articleId: z.string(), language: language.nullable(), claims: z.array(claim), ...previousRun })
  .meta({ id: 'ClaimList' });

const reprocessed = z
  .object({
    articleId: z.string(),
    scope: reprocessScope,
    next: z.enum(['ingest', 'analysis', 'translations']),
    previousStatus: status,
    previousKey: z.string().nullable(),
    languages: z.array(z.string()).optional(),
  })
  .meta({ id: 'Reprocessed' });

export const bulkReport = z
  .object({
    matched: z.number().int(),
    reprocessed: z.array(reprocessed),
    skipped: z.array(z.object({ articleId: z.string(), code: z.string(), message: z.string() })),
    nextCursor,
    dryRun: z.boolean(),
  })
  .meta({ id: 'BulkReport' });

export const redriveReport = z
  .object({
    messages: z.number().int(),
    reprocessed: z.array(z.string()),
    resent: z.number().int(),
    finished: z.array(z.string()),
    failed: z.array(z.object({ queue: z.enum(['ingest', 'analyze']), code: z.string(), message: z.string() })),
    more: z.boolean(),
  })
  .meta({ id: 'RedriveReport' });

export const uploadTicket = z
  .object({
    id: z.string().meta({ description: 'The article id: GET /articles/{id} answers 404 until the upload is seen.' }),
    key: z.string(),
    upload: z
      .object({
        method: z.literal('PUT'),
        url: z.string().meta({ format: 'uri' }),
        headers: z
          .record(z.string(), z.string())
          .meta({ description: 'Send these headers with the PUT (they are signed).' }),
        expiresAt: instant,
      })
      .nullable()
      .meta({ description: 'Where to PUT the file; null when the content came with the request.' }),
  })
  .meta({ id: 'UploadTicket' });

export const problem = z
  .object({
    type: z.string().meta({ description: 'Always about:blank: `code` is the precise reason.' }),
    title: z.string(),
    status: z
      .number()
      .int()
      .optional()
      .meta({ description: "The HTTP status; absent only in API Gateway's catch-all answers." }),
    detail: z.string(),
    instance: z.string().optional(),
    code: errorCode.optional().meta({ description: 'precis\'s error code (docs/api.md, "Error codes").' }),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document.' });

/** The response schemas by the names routes.ts gives them. */
export const RESPONSES = {
  ArticlePage: articlePage,
  ArticleRecord: articleRecord,
  SummaryView: summaryView,
  ClaimList: claimList,
  Reprocessed: reprocessed,
  BulkReport: bulkReport,
  RedriveReport: redriveReport,
  UploadTicket: uploadTicket,
} as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Each is true only while the schema and the use case's type agree both ways. */
export const AGREE: {
  record: Same<z.output<typeof articleRecord>, ArticleRecord>;
  listItem: Same<z.output<typeof listItem>, ArticleListItem>;
  summary: Same<z.output<typeof summaryView>, SummaryView>;
  reprocessed: Same<z.output<typeof reprocessed>, Reprocessed>;
  bulk: Same<z.output<typeof bulkReport>, BulkReport>;
  redrive: Same<z.output<typeof redriveReport>, RedriveReport>;
  upload: Same<z.output<typeof uploadTicket>, UploadTicket>;
} = { record: true, listItem: true, summary: true, reprocessed: true, bulk: true, redrive: true, upload: true };
