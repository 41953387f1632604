import { Duration, type Stack } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { METRICS } from '../lambdas/metrics.js';
import type { PrecisFunction } from './constructs/precis-function.js';

const PERIOD = Duration.minutes(5);

/** A metric the functions publish in the `precis` namespace (Powertools adds the `service` dimension). */
const precis = (name: string, service: string, statistic: string, extra: Record<string, string> = {}) =>
  new Metric({
    namespace: 'precis',
    metricName: name,
    dimensionsMap: { service, ...extra },
    statistic,
    period: PERIOD,
  });

/** The stages whose calls are billed, as the usage records name them. */
const STAGES = ['analysis', 'translation'] as const;

/**
 * One page for an operator: articles ended by status, each stage's latency,
 * tokens and USD by stage, the dead-letter queues' depths, the batch
 * function's batches, lines and articles sent back to real time, and each
 * function's errors and throttles.
 */
export function createDashboard(
  stack: Stack,
  watched: { functions: Record<string, PrecisFunction>; deadLetters: { ingest: Queue; analyze: Queue } },
): Dashboard {
  const { ended, latency, byStage } = METRICS;
  const analyze = 'precis-analyze';
  const ingest = 'precis-ingest';
  const failed = new MathExpression({
    expression: 'FILL(ingestFailed, 0) + FILL(analyzeFailed, 0)',
    usingMetrics: {
      ingestFailed: precis(ended.FAILED, ingest, 'Sum'),
      analyzeFailed: precis(ended.FAILED, analyze, 'Sum'),
    },
    label: 'FAILED',
    period: PERIOD,
  });
  const byStageOf = (name: string) =>
    STAGES.map((stage) => precis(name, analyze, 'Sum', { stage }).with({ label: stage }) as IMetric);
  // Named by CloudFormation: dashboard names are account-wide, so a fixed one would collide with
  // the same stack in a second region.
  const dashboard = new Dashboard(stack, 'Dashboard', { defaultInterval: Duration.hours(6) });
  dashboard.addWidgets(
    new TextWidget({
      markdown: `# precis: ${stack.stackName}\nArticles, stage latency, LLM spending, dead letters, batch mode and function health.`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Articles ended, by status',
      left: [
        precis(ended.DONE, analyze, 'Sum').with({ label: 'DONE' }),
        precis(ended.PARTIAL, analyze, 'Sum').with({ label: 'PARTIAL' }),
        failed,
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Stage latency (ms, p50 and p95)',
      left: [
        precis(latency.ingest, ingest, 'p50').with({ label: 'ingest p50' }),
        precis(latency.ingest, ingest, 'p95').with({ label: 'ingest p95' }),
        precis(latency.analyze, analyze, 'p50').with({ label: 'analyze p50' }),
        precis(latency.analyze, analyze, 'p95').with({ label: 'analyze p95' }),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Dead letters (messages waiting)',
      left: (['ingest', 'analyze'] as const).map((name) =>
        watched.deadLetters[name]
          .metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' })
          .with({ label: name }),
      ),
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({ title: 'Input tokens, by stage', left: byStageOf(byStage.inputTokens), width: 8 }),
    new GraphWidget({ title: 'Output tokens, by stage', left: byStageOf(byStage.outputTokens), width: 8 }),
    new GraphWidget({ title: 'LLM spending (USD), by stage', left: byStageOf(byStage.costUsd), width: 8 }),
  );
  const batch = 'precis-batch';
  const batchSum = (name: string, label: string) => precis(name, batch, 'Sum').with({ label }) as IMetric;
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Batch mode: batches submitted and collected',
      left: [
        batchSum(METRICS.batch.submitted, 'batches submitted'),
        batchSum(METRICS.batch.collected, 'batches collected'),
      ],
      right: [batchSum(METRICS.batch.realtime, 'articles sent back to real time')],
      width: 12,
    }),
    new GraphWidget({
      title: 'Batch mode: lines',
      left: [
        batchSum(METRICS.batch.requests, 'submitted'),
        batchSum(METRICS.batch.answered, 'answered'),
        batchSum(METRICS.batch.failed, 'expired or failed'),
      ],
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Function errors',
      left: Object.entries(watched.functions).map(([name, fn]) =>
        fn.fn.metricErrors({ period: PERIOD }).with({ label: name }),
      ),
      width: 12,
    }),
    new GraphWidget({
      title: 'Function throttles',
      left: Object.entries(watched.functions).map(([name, fn]) =>
        fn.fn.metricThrottles({ period: PERIOD }).with({ label: name }),
      ),
      width: 12,
    }),
  );
  return dashboard;
}
