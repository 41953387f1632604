/**
 * The article bucket's layout: every prefix, the part that writes it, the
 * parts that read or list it, and how long what it holds lives. The code
 * takes its keys from here, and the stack its lifecycle rules, grants, event
 * filter and context keys, so a prefix cannot be added without an owner and
 * a lifetime (tests/infra/stack.test.ts holds the stack to this table).
 */

/** Who touches a prefix: a function of the stack, or a person. */
export type Part = 'uploader' | 'ingest' | 'analyze' | 'api' | 'sweep' | 'batch' | 'operator';

export interface PrefixLayout {
  readonly prefix: string;
  readonly holds: string;
  /** Who puts objects there (s3:PutObject for a function). */
  readonly writers: readonly Part[];
  /** Who reads its objects (s3:GetObject for a function). */
  readonly readers: readonly Part[];
  /** Who lists it (s3:ListBucket limited to the prefix); a reader that lists gets a 404, not a 403, for a missing key. */
  readonly listers: readonly Part[];
  /** Days an object lives after it is written, unless the context says otherwise; null: until deleted. */
  readonly retentionDays: number | null;
  /** The CDK context key that sets the retention in days (0: kept until deleted); absent when it is fixed. */
  readonly contextKey?: string;
  /** Why it lives that long. */
  readonly why: string;
}

export const BUCKET_LAYOUT = {
  incoming: {
    prefix: 'incoming/',
    holds: 'uploads, each as it was uploaded (its key names the article)',
    writers: ['uploader', 'api'],
    readers: ['ingest'],
    listers: ['ingest', 'sweep'],
    retentionDays: 90,
    contextKey: 'uploadRetentionDays',
    why: 'An article that failed before it was cleaned is cleaned again from its upload by a reprocess or a redrive (dead letters are kept 14 days): three months leaves time to fix the cause and reprocess.',
  },
  cleaned: {
    prefix: 'cleaned/',
    holds: "each article's cleaned text (`cleaned/<id>.txt`), which the claims' offsets count in",
    writers: ['ingest'],
    readers: ['analyze', 'api'],
    listers: [],
    retentionDays: null,
    contextKey: 'cleanedRetentionDays',
    why: "As long as the record: the text route, the claims' evidence and a reprocess read it. With a record retention, give it the same.",
  },
  cache: {
    prefix: 'cache/',
    holds: 'finished analyses by text and engine settings, so the same text is not paid for twice',
    writers: ['analyze'],
    readers: ['analyze'],
    listers: [],
    retentionDays: 90,
    contextKey: 'cacheRetentionDays',
    why: 'The same text comes back within days (wires, republished pages); a miss only costs a new analysis.',
  },
  answers: {
    prefix: 'answers/',
    holds: "the model's analysis answers by text, kept the moment they arrive",
    writers: ['analyze'],
    readers: ['analyze'],
    listers: [],
    retentionDays: 30,
    contextKey: 'answersRetentionDays',
    why: "A delivery that dies after paying resumes from the kept answer; every delivery of an article ends within the queue's receives, hours at most.",
  },
  sketches: {
    prefix: 'sketches/',
    holds:
      "finished analyses by their texts' MinHash sketches (`sketches/entries/`; the bands that find them are items of the table), so a syndicated copy is not paid for again",
    writers: ['analyze'],
    readers: ['analyze'],
    listers: [],
    retentionDays: 90,
    contextKey: 'sketchRetentionDays',
    why: 'Wire stories are republished within days; a miss only costs a new analysis. As long as the cache.',
  },
  batches: {
    prefix: 'batches/',
    holds:
      "batch mode: each article's calls put off for the Batch API (`batches/requests/`) and the answers its batches brought (`batches/answers/`)",
    writers: ['analyze', 'batch'],
    readers: ['analyze', 'batch'],
    listers: ['analyze'],
    retentionDays: 30,
    why: "A batch ends within 24 hours and an article's rounds within days; only the article's next run reads them.",
  },
  history: {
    prefix: 'history/',
    holds: 'the record a reprocess replaced (`history/<id>/<time>.json`)',
    writers: ['api'],
    // The API serves the summary and claims from here while a reprocess has taken them off the record.
    readers: ['api', 'operator'],
    listers: [],
    retentionDays: 365,
    contextKey: 'historyRetentionDays',
    why: 'Kept so that a reprocess that went worse loses nothing, and its summary stays readable until the new run ends; a year covers a comparison of runs.',
  },
  results: {
    prefix: 'results/',
    holds: 'nothing now: a copy of each result that earlier versions wrote and nothing read',
    writers: [],
    readers: [],
    listers: [],
    retentionDays: 30,
    why: 'Retired: the record in the table is the result. What an earlier version left expires.',
  },
} as const satisfies Record<string, PrefixLayout>;

export type PrefixName = keyof typeof BUCKET_LAYOUT;

/** The article table's records: kept until deleted unless `recordRetentionDays` sets a TTL on finished ones. */
export const RECORD_RETENTION = {
  contextKey: 'recordRetentionDays',
  retentionDays: null,
  why: 'The record is the result users read; a TTL removes a finished article that many days after it ended.',
} as const;

/** The UTC day of an instant, as dated upload prefixes spell it. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** The keys the stages write and read, each under its prefix. */
export const objectKeys = {
  incomingPrefix: BUCKET_LAYOUT.incoming.prefix,
  /** Uploads the API takes or signs for, under the day they were made: the sweep lists them by day. */
  datedUploads: (day: string) => `${BUCKET_LAYOUT.incoming.prefix}uploads/${day}/`,
  cleaned: (id: string) => `${BUCKET_LAYOUT.cleaned.prefix}${id}.txt`,
  history: (id: string, updatedAt: string) =>
    `${BUCKET_LAYOUT.history.prefix}${id}/${updatedAt.replaceAll(':', '-')}.json`,
  cachePrefix: BUCKET_LAYOUT.cache.prefix,
  answersPrefix: BUCKET_LAYOUT.answers.prefix,
  sketchEntry: (contentHash: string) => `${BUCKET_LAYOUT.sketches.prefix}entries/${contentHash}.json`,
  batchRequests: (id: string, queuedAt: string) =>
    `${BUCKET_LAYOUT.batches.prefix}requests/${id}/${queuedAt.replaceAll(':', '-')}.json`,
  batchAnswersPrefix: (id: string) => `${BUCKET_LAYOUT.batches.prefix}answers/${id}/`,
};

/** The prefixes `part` touches in the way `how` names. */
export function prefixesOf(part: Part, how: 'writers' | 'readers' | 'listers'): string[] {
  return Object.values(BUCKET_LAYOUT as Record<string, PrefixLayout>)
    .filter((layout) => layout[how].includes(part))
    .map((layout) => layout.prefix);
}
