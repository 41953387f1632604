import {
  type ArticleError,
  type ArticleListing,
  type ArticleRecord,
  articleIdFor,
  type Claim,
  type InProgressStatus,
  isTerminal,
  type Status,
  type Summary,
  type Translation,
} from '../article.js';
import { readJson } from '../blob-json.js';
import { PrecisError } from '../errors.js';
import type { ArticleRepository, BlobStore } from '../ports.js';

export interface ReadDeps {
  articles: ArticleRepository;
  blobs: BlobStore;
  config: { bucket: string };
}

/** What a list shows of each article: enough to pick one, without its claims. */
export interface ArticleListItem {
  id: string;
  sourceKey: string;
  status: Status;
  title: string | null;
  language: string | null;
  publishedAt: string | null;
  receivedAt: string;
  updatedAt: string;
  error: ArticleError | null;
}

const listItem = (a: ArticleListing): ArticleListItem => ({
  id: a.id,
  sourceKey: a.sourceKey,
  status: a.status,
  title: a.title ?? null,
  language: a.language ?? null,
  publishedAt: a.publishedAt ?? null,
  receivedAt: a.receivedAt,
  updatedAt: a.updatedAt,
  error: a.error ?? null,
});

export interface ListArticlesQuery {
  limit: number;
  cursor?: string;
  status?: Status;
  /** The S3 key the article was uploaded under: finds that one article. */
  key?: string;
}

/** Newest first, a page at a time; or the one article uploaded under `key`. */
export async function listArticles(
  query: ListArticlesQuery,
  deps: ReadDeps,
): Promise<{ items: ArticleListItem[]; nextCursor: string | null }> {
  if (query.key !== undefined) {
    const article = await deps.articles.get(articleIdFor(deps.config.bucket, query.key));
    const matches = article && (!query.status || article.status === query.status);
    return { items: matches ? [listItem(article)] : [], nextCursor: null };
  }
  const page = await deps.articles.list({ limit: query.limit, cursor: query.cursor, status: query.status });
  return { items: page.items.map(listItem), nextCursor: page.nextCursor };
}

export async function getArticle(id: string, deps: ReadDeps): Promise<ArticleRecord> {
  const article = await deps.articles.get(id);
  if (!article) throw new PrecisError('ARTICLE_NOT_FOUND', `There is no article with id ${id}.`);
  return article;
}

/** Marks an analysis as the one before a reprocess that has not given the article its own yet. */
export interface PreviousRun {
  previous: {
    /** The article's status now, on its way through the reprocess. */
    status: InProgressStatus;
    /** When the reprocess was asked for. */
    reprocessRequestedAt: string;
  };
}

type Analysed = ArticleRecord & { summary: Summary } & Partial<PreviousRun>;

/**
 * The analysis a reprocess under way took off the record, from the copy it
 * kept (`history/`): readable, marked as the previous run's, until the new
 * run ends. `gone` when its copy is no longer there (past its retention),
 * `unreadable` when it is no JSON, or not the shape of a record with a
 * summary (isAnalysis): the article then has no analysis to show.
 * Storage that cannot be reached is no missing analysis: its error
 * (STORAGE_UNAVAILABLE, transient) is thrown, for the caller to try again.
 */
async function previousAnalysis(
  article: ArticleRecord,
  deps: ReadDeps,
): Promise<Analysed | 'gone' | 'unreadable' | null> {
  const request = article.reprocess;
  const status = article.status;
  if (!request?.previousKey || isTerminal(status)) return null;
  let before: Partial<ArticleRecord> | null;
  try {
    before = await readJson(deps.blobs, deps.config.bucket, request.previousKey);
  } catch (error) {
    if (error instanceof PrecisError && error.code === 'SOURCE_NOT_FOUND') return 'gone';
    if (error instanceof SyntaxError) return 'unreadable';
    throw error;
  }
  if (!isAnalysis(before)) return 'unreadable';
  return {
    ...article,
    summary: before.summary,
    claims: before.claims,
    translations: before.translations,
    provenance: before.provenance,
    previous: { status, reprocessRequestedAt: request.requestedAt },
  };
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isFields = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy under history/ has the record's shape as precis wrote it, but is
 * read back as data: one a hand or a fault changed (a summary that is a
 * string, claims that are no list) would be served against the API's
 * contract and break the reader page, which renders what it is given. The
 * fields served from it are checked as far as a reader uses them.
 */
function isAnalysis(before: unknown): before is Partial<ArticleRecord> & {
  summary: Summary;
  claims?: Claim[];
  translations?: Record<string, Translation>;
} {
  if (!isFields(before)) return false;
  const { summary, claims, translations } = before;
  return (
    isFields(summary) &&
    isText(summary.headline) &&
    isText(summary.short) &&
    Array.isArray(summary.bullets) &&
    summary.bullets.every(isText) &&
    (claims === undefined ||
      (Array.isArray(claims) && claims.every((c) => isFields(c) && isText(c.id) && isText(c.text)))) &&
    (translations === undefined ||
      (isFields(translations) && Object.values(translations).every((t) => isFields(t) && isText(t.status))))
  );
}

async function analysedArticle(id: string, deps: ReadDeps): Promise<Analysed> {
  const article = await getArticle(id, deps);
  if (!article.summary) {
    const previous = await previousAnalysis(article, deps);
    if (typeof previous === 'object' && previous !== null) return previous;
    const detail =
      article.status === 'FAILED'
        ? `it failed with ${article.error?.code ?? 'an error'}.`
        : `it is ${article.status}; try again when it is DONE.`;
    const kept =
      previous === 'gone'
        ? " The previous run's analysis is no longer kept."
        : previous === 'unreadable'
          ? " The previous run's analysis could not be read from its copy."
          : '';
    throw new PrecisError('NOT_ANALYSED', `Article ${id} has no analysis: ${detail}${kept}`);
  }
  return article as Analysed;
}

export type SummaryView = (
  | ({ articleId: string; lang: string | null; original: true; status: 'done' } & Summary)
  | ({ articleId: string; lang: string; original: false; stub?: true } & Translation)
) &
  Partial<PreviousRun>;

/** The previous run's mark, on a view read from it. */
const marked = (article: Analysed): Partial<PreviousRun> => (article.previous ? { previous: article.previous } : {});

/** The summary in the article's own language, or its translation into `lang`. */
export async function getSummary(id: string, lang: string | undefined, deps: ReadDeps): Promise<SummaryView> {
  const article = await analysedArticle(id, deps);
  const language = article.language ?? null;
  if (!lang || lang === language) {
    return { articleId: id, lang: language, original: true, status: 'done', ...article.summary, ...marked(article) };
  }
  const translation = article.translations?.[lang];
  if (!translation) {
    const available = Object.keys(article.translations ?? {});
    throw new PrecisError(
      'TRANSLATION_NOT_FOUND',
      `Article ${id} has no translation into "${lang}". Languages: ${[language ?? 'original', ...available].join(', ')}.`,
    );
  }
  // The stand-in LLM's "translations" are filler: a script reading this view alone must be told so.
  const stub = translation.status === 'done' && article.provenance?.stub === true;
  return {
    articleId: id,
    lang,
    original: false,
    ...translation,
    ...(stub ? { stub: true as const } : {}),
    ...marked(article),
  };
}

export async function getClaims(id: string, deps: ReadDeps) {
  const article = await analysedArticle(id, deps);
  return { articleId: id, language: article.language ?? null, claims: article.claims ?? [], ...marked(article) };
}

/** The cleaned text, exactly as the claims' offsets count it. */
export async function getText(id: string, deps: ReadDeps): Promise<string> {
  const article = await getArticle(id, deps);
  if (!article.textKey) {
    throw new PrecisError('NOT_CLEANED', `Article ${id} has no cleaned text: it is ${article.status}.`);
  }
  return new TextDecoder().decode(await deps.blobs.get(deps.config.bucket, article.textKey));
}
