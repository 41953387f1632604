import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { PrecisFunction } from './constructs/precis-function.js';
import type { PrecisContext } from './context.js';

/**
 * What tells an operator something went wrong: alarms on messages in either
 * dead-letter queue and on each function's errors and throttles, sent to an
 * encrypted topic (always there, so any subscriber can be added; its ARN is
 * an output), emailed when the context gives an address.
 */
export function createAlarms(
  stack: Stack,
  watched: { functions: Record<string, PrecisFunction>; deadLetters: { ingest: Queue; analyze: Queue } },
  context: PrecisContext,
): Topic {
  const { functions } = watched;
  const ingestDlq = watched.deadLetters.ingest;
  const analyzeDlq = watched.deadLetters.analyze;
  const key = new Key(stack, 'AlarmTopicKey', {
    enableKeyRotation: true,
    description: 'Encrypts the precis alarm topic',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const alarmTopic = new Topic(stack, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'precis alarms' });
  if (context.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(context.alarmEmail));
  const alarm = (id: string, metric: IMetric, description: string) => {
    const created = new Alarm(stack, id, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(new SnsAction(alarmTopic));
  };
  for (const [name, queue] of [
    ['Ingest', ingestDlq],
    ['Analyze', analyzeDlq],
  ] as const) {
    alarm(
      `${name}DeadLettersAlarm`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      `Messages in the ${name.toLowerCase()} dead-letter queue: articles that failed every delivery.`,
    );
  }
  for (const [name, fn] of Object.entries(functions)) {
    alarm(`${name}ErrorsAlarm`, fn.fn.metricErrors({ period: Duration.minutes(5) }), `The ${name} function failed.`);
    alarm(
      `${name}ThrottlesAlarm`,
      fn.fn.metricThrottles({ period: Duration.minutes(5) }),
      `The ${name} function was throttled.`,
    );
  }
  return alarmTopic;
}
