import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

/**
 * Whether Powertools' tracer traces in this environment, by its own rule
 * (Tracer's setTracingEnabled, @aws-lambda-powertools/tracer 2.x): not when
 * POWERTOOLS_TRACE_ENABLED is "false", and only in a Lambda execution
 * environment (AWS_EXECUTION_ENV set) that is neither the Amplify CLI's mock
 * nor SAM local. tests/unit/tracing.test.ts holds the two rules together.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() === 'false') return false;
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  return executionEnv !== '' && executionEnv !== 'AWS_Lambda_amplify-mock' && (env.AWS_SAM_LOCAL ?? '') === '';
}

/** An SDK v3 client, as the tracer captures it (by its middleware stack). */
type Client = object;

/**
 * X-Ray tracing of a function: each invocation a segment, each AWS call a
 * subsegment (Powertools' tracer), as before, with one difference: the
 * tracer, and the X-Ray SDK it imports (with semver and cls-hooked, about
 * 110 KB), is loaded when the first invocation begins, not when the bundle
 * is imported, and not at all where tracing is off (the local stack, tests,
 * the CLI). The clients handed to `client()` before that are captured then,
 * before the invocation makes its first call; those handed after, at once.
 */
export class Tracing {
  readonly enabled: boolean;
  private tracer: Tracer | null = null;
  private loading: Promise<Tracer> | null = null;
  private readonly waiting: Client[] = [];

  constructor(
    readonly serviceName: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.enabled = tracingEnabled(env);
  }

  /** The client, its calls traced once the tracer is loaded (the same client: capturing adds a middleware). */
  client<T extends Client>(client: T): T {
    if (!this.enabled) return client;
    if (this.tracer) this.tracer.captureAWSv3Client(client);
    else this.waiting.push(client);
    return client;
  }

  /** The tracer, loaded once; the clients waiting for it captured. */
  load(): Promise<Tracer> {
    this.loading ??= import('@aws-lambda-powertools/tracer').then(({ Tracer }) => {
      const tracer = new Tracer({ serviceName: this.serviceName });
      for (const client of this.waiting.splice(0)) tracer.captureAWSv3Client(client);
      this.tracer = tracer;
      return tracer;
    });
    return this.loading;
  }

  /**
   * The middy middleware that traces each invocation (Powertools'
   * captureLambdaHandler), the tracer loaded before the first one's work;
   * none where tracing is off (middy takes a list, and refuses an empty
   * middleware).
   */
  middleware<Event, Result>(): MiddlewareObj<Event, Result>[] {
    if (!this.enabled) return [];
    let traced: MiddlewareObj<Event, Result> | null = null;
    return [
      {
        before: async (request) => {
          traced ??= captureLambdaHandler(await this.load()) as MiddlewareObj<Event, Result>;
          return traced.before?.(request);
        },
        after: (request) => traced?.after?.(request),
        onError: (request) => traced?.onError?.(request),
      },
    ];
  }
}
