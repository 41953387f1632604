import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BATCH_SCHEDULE_MINUTES } from '../../infra/batch.js';
import { METRICS } from '../../lambdas/metrics.js';
import { batchEnvSchema, loadConfig } from '../../shared/config.js';
import { TABLE_SCHEMA } from '../../shared/storage/table.js';
import { build } from './build.js';

describe('the batch function (batch mode)', () => {
  it('runs on a schedule, with the environment its schema reads and the grants its work needs', () => {
    // Prepare
    const { template, resources, stack } = build({ llmSettings: '{"PRECIS_LLM_MODE": "batch"}' });

    // Act
    const [[id, fn] = []] = resources('AWS::Lambda::Function').filter(
      ([, f]) =>
        (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME ===
        'precis-batch',
    );

    // Assess: a schedule targets it every ten minutes, with no retry of a failed run (the next run redoes it).
    if (!fn) throw new Error('no precis-batch function in the stack');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${BATCH_SCHEDULE_MINUTES} minutes)`,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars.PRECIS_LLM_MODE).toBe('batch');
    const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : 'arn:x']));
    expect(() => loadConfig(batchEnvSchema, env)).not.toThrow();
    // It reads the pending index, writes its jobs and the articles, and sends to the analyze queue.
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = resources('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes(`"${role}"`),
    );
    const actions = JSON.stringify(policies.map(([, p]) => p.Properties.PolicyDocument));
    for (const action of [
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'sqs:SendMessage',
      'secretsmanager:GetSecretValue',
    ]) {
      expect(actions).toContain(action);
    }
    expect(actions).toContain(TABLE_SCHEMA.byPending.indexName);
    expect(actions).toContain('batches/*');
    // cdk-nag stays clean with it in the stack.
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it("graphs the batch function's metrics on the dashboard: batches, lines and articles sent back to real time", () => {
    // Prepare
    const { resources } = build({});

    // Act
    const [[, dashboard] = []] = resources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    // Assess: every metric the function publishes, under its service.
    for (const name of Object.values(METRICS.batch)) expect(body, name).toContain(name);
    expect(body).toContain('precis-batch');
  });
});
