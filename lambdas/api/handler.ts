import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { STATUSES } from '../../shared/article.js';
import { PrecisError } from '../../shared/errors.js';
import { LANGUAGE_CODE } from '../../shared/languages.js';
import {
  getArticle,
  getClaims,
  getSummary,
  getText,
  listArticles,
  type ReadDeps,
} from '../../shared/usecases/read-articles.js';
import { type RedriveDeps, redrive, reprocessArticle, reprocessMatching } from '../../shared/usecases/reprocess.js';
import type { Observability } from '../runtime.js';
import { bodyOf, json, problemResponses, queryOf, text } from './http.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
  status: z.enum(STATUSES).optional(),
  key: z.string().min(1).optional(),
});
const summaryQuery = z.object({
  lang: z
    .string()
    .transform((lang) => lang.toLowerCase())
    .pipe(z.string().regex(LANGUAGE_CODE, 'a language code such as "ar" or "pt-br"'))
    .optional(),
});

/** Articles one bulk reprocess call looks at, at most: well inside the function's time. */
const BULK_LIMIT = 50;
/** How long one redrive call reads dead letters before it answers (`more: true` if some are left). */
const REDRIVE_BUDGET_MS = 10_000;

const scope = z.enum(['all', 'translations']).default('all');
const reprocessBody = z.strictObject({ scope });
const instant = z.iso.datetime({ offset: true });
const bulkBody = z.strictObject({
  status: z.enum(['DONE', 'PARTIAL', 'FAILED']),
  receivedFrom: instant.optional(),
  receivedBefore: instant.optional(),
  engine: z.string().min(1).max(100).optional(),
  scope,
  limit: z.number().int().min(1).max(BULK_LIMIT).default(25),
  cursor: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
});
const redriveBody = z.strictObject({ max: z.number().int().min(1).max(1000).optional() });

function idOf(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.id;
  if (!id || !/^[a-f0-9]{24}$/.test(id))
    throw new PrecisError('ARTICLE_NOT_FOUND', `There is no article with id ${id ?? ''}.`);
  return id;
}

export type ApiHandlerDeps = ReadDeps &
  RedriveDeps &
  Pick<Observability, 'logger'> &
  Partial<Pick<Observability, 'tracer'>> & { corsOrigins?: string[] };

/** The read API: API Gateway REST proxy events → read use cases → JSON. */
export function createApiHandler(deps: ApiHandlerDeps) {
  type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  const routes: Route<APIGatewayProxyEvent, APIGatewayProxyResult>[] = [
    {
      method: 'GET',
      path: '/articles',
      handler: (async (event) => json(await listArticles(queryOf(event, listQuery), deps))) satisfies Handler,
    },
    {
      method: 'GET',
      path: '/articles/{id}',
      handler: (async (event) => json(await getArticle(idOf(event), deps))) satisfies Handler,
    },
    {
      method: 'GET',
      path: '/articles/{id}/summary',
      handler: (async (event) =>
        json(await getSummary(idOf(event), queryOf(event, summaryQuery).lang, deps))) satisfies Handler,
    },
    {
      method: 'GET',
      path: '/articles/{id}/claims',
      handler: (async (event) => json(await getClaims(idOf(event), deps))) satisfies Handler,
    },
    {
      method: 'GET',
      path: '/articles/{id}/text',
      handler: (async (event) => text(await getText(idOf(event), deps))) satisfies Handler,
    },
    {
      method: 'POST',
      path: '/articles/{id}/reprocess',
      handler: (async (event) =>
        json(await reprocessArticle(idOf(event), bodyOf(event, reprocessBody).scope, deps), 202)) satisfies Handler,
    },
    {
      method: 'POST',
      path: '/articles/reprocess',
      handler: (async (event) => {
        const filter = bodyOf(event, bulkBody);
        return json(await reprocessMatching(filter, deps), filter.dryRun ? 200 : 202);
      }) satisfies Handler,
    },
    {
      method: 'POST',
      path: '/dead-letters/redrive',
      handler: (async (event) => {
        const { max } = bodyOf(event, redriveBody);
        return json(await redrive(deps, { deadline: deps.clock().getTime() + REDRIVE_BUDGET_MS, max }));
      }) satisfies Handler,
    },
  ];

  const corsOrigins = deps.corsOrigins ?? [];
  const cors =
    corsOrigins.length > 0
      ? [httpCors({ origins: corsOrigins, headers: 'content-type,x-api-key', methods: 'GET,POST' })]
      : [];
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(deps.tracer ? [captureLambdaHandler(deps.tracer)] : [])
    .use(injectLambdaContext(deps.logger))
    .use(cors)
    .use(problemResponses(deps.logger))
    .handler(
      httpRouterHandler({
        routes,
        notFoundResponse: ({ method, path }) => {
          throw new PrecisError('ROUTE_NOT_FOUND', `There is no route ${method} ${path}.`);
        },
      }) as unknown as Handler,
    );
}
