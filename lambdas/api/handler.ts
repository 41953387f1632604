import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod/mini';
import { TERMINAL_STATUSES } from '../../shared/article.js';
import { PrecisError } from '../../shared/errors.js';
import {
  getArticle,
  getClaims,
  getSummary,
  getText,
  listArticles,
  type ReadDeps,
} from '../../shared/usecases/read-articles.js';
import { type RedriveDeps, redrive, reprocessArticle, reprocessMatching } from '../../shared/usecases/reprocess.js';
import { requestUpload, type UploadDeps } from '../../shared/usecases/upload.js';
import type { Observability } from '../runtime.js';
import {
  bodyOf,
  cut,
  headOf,
  json,
  MethodNotAllowed,
  onlyKnownQuery,
  problemResponses,
  queryOf,
  text,
  withEtag,
} from './http.js';
import type { ReaderConfig } from './reader/page.js';
import {
  allowedMethods,
  articleId,
  bulkBody,
  listQuery,
  type OperationId,
  ROUTES,
  type RouteSpec,
  redriveBody,
  reprocessBody,
  summaryQuery,
  uploadBody,
} from './routes.js';

/** How long one redrive call reads dead letters before it answers (`more: true` if some are left). */
const REDRIVE_BUDGET_MS = 10_000;

function idOf(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.id ?? '';
  if (!articleId.safeParse(id).success)
    throw new PrecisError('ARTICLE_NOT_FOUND', `There is no article with id ${cut(id)}.`);
  return id;
}

export type ApiHandlerDeps = ReadDeps &
  RedriveDeps &
  UploadDeps &
  Pick<Observability, 'logger'> &
  Partial<Pick<Observability, 'tracing'>> & {
    corsOrigins?: string[];
    /** How the reader page authorizes its calls; API keys when absent. */
    reader?: ReaderConfig;
  };

/**
 * A GET route that refuses the query parameters it does not take. A POST
 * refuses any (bodyOf); the public page and document take none of their own
 * and are left alone (the page's sign-in comes back with `code` and `state`).
 */
function knownQueryOnly(route: RouteSpec, serve: Handler): Handler {
  // The names are read from the schema when the route is first asked, not at every cold start, nor at every request.
  let accepted: string[] | undefined;
  return async (event) => {
    accepted ??= route.query ? Object.keys((route.query as z.ZodMiniObject).shape) : [];
    onlyKnownQuery(event, accepted, `${route.method} ${route.path}`);
    return serve(event);
  };
}

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** The read API: API Gateway REST proxy events → read use cases → JSON. */
export function createApiHandler(deps: ApiHandlerDeps) {
  // Made at the first request for it (a chunk of its own, 40 KB of script and style), not at every cold start.
  let page: ReturnType<typeof import('./reader/page.js').readerPage> | null = null;
  const operations: Record<OperationId, Handler> = {
    readerPage: async () => {
      page ??= (await import('./reader/page.js')).readerPage(deps.reader ?? { auth: 'apiKey' }, TERMINAL_STATUSES);
      return { statusCode: 200, headers: page.headers, body: page.body };
    },
    // Read at the first request for it, not parsed into every cold start (53 KB).
    openApi: async () => json((await import('../../openapi.json', { with: { type: 'json' } })).default),
    uploadArticle: async (event) => json(await requestUpload(bodyOf(event, uploadBody), deps), 201),
    listArticles: async (event) => json(await listArticles(queryOf(event, listQuery), deps)),
    getArticle: async (event) => json(await getArticle(idOf(event), deps)),
    getSummary: async (event) => json(await getSummary(idOf(event), queryOf(event, summaryQuery).lang, deps)),
    getClaims: async (event) => json(await getClaims(idOf(event), deps)),
    getText: async (event) => text(await getText(idOf(event), deps)),
    reprocessArticle: async (event) => {
      const { scope, batch } = bodyOf(event, reprocessBody);
      return json(await reprocessArticle(idOf(event), scope, deps, { batch }), 202);
    },
    reprocessMatching: async (event) => {
      const filter = bodyOf(event, bulkBody);
      return json(await reprocessMatching(filter, deps), filter.dryRun ? 200 : 202);
    },
    redrive: async (event) => {
      const { max } = bodyOf(event, redriveBody);
      return json(await redrive(deps, { deadline: deps.clock().getTime() + REDRIVE_BUDGET_MS, max }));
    },
  };
  const routes: Route<APIGatewayProxyEvent, APIGatewayProxyResult>[] = ROUTES.flatMap((route) => {
    const spec: RouteSpec = route;
    const operation =
      spec.method === 'GET' && !spec.public
        ? knownQueryOnly(spec, operations[route.operationId])
        : operations[route.operationId];
    const serve = spec.etag ? withEtag(operation) : operation;
    const get = { method: route.method, path: route.path, handler: serve };
    // HEAD is GET without the body, as HTTP has it.
    return route.method === 'GET'
      ? [get, { method: 'HEAD' as const, path: route.path, handler: headOf(serve) }]
      : [get];
  });
  // OPTIONS names what a path takes (and, with CORS on, answers a browser's preflight).
  for (const path of new Set(ROUTES.map((route) => route.path))) {
    const allow = allowedMethods(path).join(', ');
    routes.push({ method: 'OPTIONS', path, handler: async () => ({ statusCode: 204, headers: { allow }, body: '' }) });
  }

  const corsOrigins = deps.corsOrigins ?? [];
  const cors =
    corsOrigins.length > 0
      ? [httpCors({ origins: corsOrigins, headers: 'content-type,x-api-key,if-none-match', methods: 'GET,HEAD,POST' })]
      : [];
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(deps.tracing?.middleware() ?? [])
    .use(injectLambdaContext(deps.logger))
    .use(cors)
    .use(problemResponses(deps.logger))
    .handler(
      httpRouterHandler({
        routes,
        notFoundResponse: ({ method, path }) => {
          const allow = allowedMethods(path);
          if (allow.length === 0) throw new PrecisError('ROUTE_NOT_FOUND', `There is no route ${cut(path)}.`);
          throw new MethodNotAllowed(method, cut(path), allow);
        },
      }) as unknown as Handler,
    );
}
