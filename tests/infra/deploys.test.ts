import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextSchema } from '../../infra/context.js';
import { DEPLOY_MODES, LONGEST_STACK_NAME, limitsOf } from '../../scripts/deploy-check.js';
import { resourcePolicy, type TemplateJson } from '../../scripts/lib/template-limits.js';
import { analyzeEnvSchema, ingestEnvSchema, loadConfig } from '../../shared/config.js';
import { build, type Resource } from './build.js';

/** Deploys that keep working: the limits and names a synth does not check and a deploy (or a second one) fails on. */
describe('a deploy that keeps working', () => {
  let base: ReturnType<typeof build>;
  beforeAll(() => {
    base = build();
  }, 120_000);

  it('gives API Gateway one permission on the api function, for the whole API, however many routes', () => {
    // Prepare
    const apiId = base.logicalId(base.stack.functions.api.fn);
    // Act
    const permissions = base
      .resources('AWS::Lambda::Permission')
      .filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(apiId));
    // Assess
    expect(permissions).toHaveLength(1);
    const [[, permission]] = permissions as [[string, Resource]];
    expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\/\*\/\*\/\*"\]\]\}$/);
    expect(base.resources('AWS::ApiGateway::Method').length).toBeGreaterThan(20);
  });

  it('leaves the dashboard name to CloudFormation, so the same stack deploys in a second region', () => {
    const [[, dashboard]] = base.resources('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    expect(dashboard.Properties.DashboardName).toBeUndefined();
    // Nothing else the stack names is account-wide and region-blind.
    const other = build({}, 'Test', 'us-east-1');
    const named = (b: ReturnType<typeof build>) =>
      JSON.stringify(b.resources('AWS::CloudWatch::Dashboard').map(([, r]) => r.Properties.DashboardName ?? null));
    expect(named(other)).toBe(named(base));
  });

  it('creates the execution log group itself, with a retention, before the stage that writes to it', () => {
    const [[logsId, logs]] = base
      .resources('AWS::Logs::LogGroup')
      .filter(([, r]) => JSON.stringify(r.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_')) as [
      [string, Resource],
    ];
    const [[restApiId]] = base.resources('AWS::ApiGateway::RestApi') as [[string, Resource]];
    expect(logs.Properties.LogGroupName).toEqual({
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, '/v1']],
    });
    expect(logs.Properties.RetentionInDays).toBe(90);
    const [[, stage]] = base.resources('AWS::ApiGateway::Stage') as [[string, Resource]];
    expect(stage.DependsOn).toContain(logsId);
    base.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: logs.Properties.LogGroupName },
      DeletionPolicy: 'Delete',
    });
  });

  it('receives a message 5 times before its dead-letter queue, as AWS asks behind Lambda; more or fewer when asked', () => {
    const receives = (b: ReturnType<typeof build>) =>
      b
        .resources('AWS::SQS::Queue')
        .map(([, q]) => (q.Properties.RedrivePolicy as { maxReceiveCount?: number } | undefined)?.maxReceiveCount)
        .filter((n) => n !== undefined);
    expect(receives(base)).toEqual([5, 5]);
    // The functions, and the local queues with them, take the same default.
    const env = { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', PRECIS_ANALYZE_QUEUE_URL: 'q' };
    expect(loadConfig(ingestEnvSchema, env).PRECIS_MAX_RECEIVES).toBe(5);
    expect(loadConfig(analyzeEnvSchema, env).PRECIS_MAX_RECEIVES).toBe(5);
    const eight = build({ maxReceives: '8' });
    expect(receives(eight)).toEqual([8, 8]);
    for (const fn of [eight.stack.functions.ingest, eight.stack.functions.analyze]) {
      const [, resource] = eight.resources('AWS::Lambda::Function').find(([id]) => id === eight.logicalId(fn.fn)) as [
        string,
        Resource,
      ];
      expect(resource.Properties.Environment).toMatchObject({ Variables: { PRECIS_MAX_RECEIVES: '8' } });
    }
  });

  it('lets POST /articles carry a web page past the managed WAF body rules, and checks every other route with them', () => {
    const { template } = build({ waf: 'managed' });
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL')) as Resource[];
    const rules = (acl?.Properties.Rules ?? []) as {
      Name: string;
      Priority: number;
      Statement: Record<string, unknown>;
    }[];
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    const group = common?.Statement.ManagedRuleGroupStatement as
      | { RuleActionOverrides: { Name: string; ActionToUse: unknown }[] }
      | undefined;
    const overrides = group?.RuleActionOverrides ?? [];
    // The body rules only label in the group…
    for (const rule of ['CrossSiteScripting_BODY', 'GenericLFI_BODY', 'GenericRFI_BODY', 'EC2MetaDataSSRF_BODY']) {
      expect(overrides).toContainEqual({ Name: rule, ActionToUse: { Count: {} } });
    }
    // …and a rule right after it blocks what they labelled, unless it is the upload.
    const scoped = rules.find((r) => r.Name === 'BodyRulesOutsideUploads');
    expect(scoped?.Priority).toBe((common?.Priority ?? 0) + 1);
    const statement = JSON.stringify(scoped?.Statement);
    expect(statement).toContain('"Key":"awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body"');
    expect(statement).toMatch(
      /"NotStatement".*"SearchString":"POST".*"PositionalConstraint":"ENDS_WITH","SearchString":"\/articles"/,
    );
    expect(scoped).toMatchObject({ Action: { Block: {} } });
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  it('sets no monthly quota by default and no per-method metrics, and either when asked', () => {
    base.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: Match.absent() });
    base.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ MetricsEnabled: false, HttpMethod: '*', ResourcePath: '/*' })],
    });
    const asked = build({ apiMonthlyQuota: '3000000', apiDetailedMetrics: 'true' }).template;
    asked.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: { Limit: 3_000_000, Period: 'MONTH' } });
    asked.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ MetricsEnabled: true })],
    });
  });

  it('deploys with the defaults the stack states: cdk.json names each parameter at its default', () => {
    const cdk = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const given = Object.fromEntries(Object.entries(cdk.context).map(([k, v]) => [k, String(v)]));
    expect(Object.keys(cdk.context).sort()).toEqual(Object.keys(contextSchema.shape).sort());
    expect(contextSchema.parse(given)).toEqual(contextSchema.parse({}));
  });

  it('stays under every limit with a 41-character stack name and every option on, and says how far', () => {
    // Prepare
    const context = DEPLOY_MODES['Every option on, a 41-character stack name'] as Record<string, string>;
    expect(LONGEST_STACK_NAME).toHaveLength(41);
    // Act
    const longest = build(context, LONGEST_STACK_NAME);
    const { limits, passed, apiPolicy } = limitsOf(longest.stack, longest.template);
    // Assess
    console.log(
      `api function resource policy: ${apiPolicy.value} bytes of ${apiPolicy.limit}; template ${limits[0]?.value} bytes; ${limits[1]?.value} resources`,
    );
    expect(passed).toEqual([]);
    expect(apiPolicy.value).toBeLessThan(1_000);
    // The estimate is of the policy Lambda keeps: one statement per permission, each at its longest.
    const policy = JSON.parse(
      resourcePolicy(
        longest.template.toJSON() as TemplateJson,
        longest.logicalId(longest.stack.functions.api.fn),
        LONGEST_STACK_NAME,
      ),
    ) as { Statement: { Sid: string; Condition: unknown }[] };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]?.Sid.startsWith(LONGEST_STACK_NAME)).toBe(true);
    // An S3 bucket name is the one limit a longer name passes, and the synth says so.
    expect(() => build({}, `${LONGEST_STACK_NAME}X`)).toThrow(/63/);
  });
});
