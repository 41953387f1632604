/**
 * `npm run deploy:check`: what a deploy would get, without AWS. Synthesizes
 * the stack in each way it can be deployed and prints, per way, cdk-nag's
 * AWS Solutions findings before acknowledgements (raw) and after (open), the
 * acknowledgements, the IAM statements on `Resource: "*"`, and the limits a
 * deploy fails on that a synth does not check (scripts/lib/template-limits.ts):
 * the template's size, the api function's resource policy, the closest
 * others. Exits non-zero when any way has an open finding, a statement on
 * "*" that is not X-Ray's (whose actions take no resource), or a limit
 * passed. `--write-docs` also writes the report into docs/deploying.md,
 * between its markers; a test fails when the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { contextSchema } from '../infra/context.js';
import { FEATURE_FLAGS } from '../infra/flags.js';
import { PrecisStack } from '../infra/precis-stack.js';
import { type Limit, type TemplateJson, templateLimits } from './lib/template-limits.js';

/** The longest stack name the article bucket's name allows (S3's 63 characters). */
export const LONGEST_STACK_NAME = `Precis${'X'.repeat(35)}`;

/** The ways a deployment differs, as the context parameters that choose them. */
export const DEPLOY_MODES: Record<string, Record<string, string>> = {
  'API key (default)': {},
  'IAM (SigV4)': { auth: 'iam' },
  'Cognito (client credentials)': { auth: 'cognito' },
  'API keys per consumer, managed WAF, CORS, alarm email, no account role': {
    apiKeys: 'web,etl@1,etl@2',
    waf: 'managed',
    corsOrigins: 'https://dash.example',
    alarmEmail: 'ops@example.org',
    apiGatewayCloudWatchRole: 'false',
  },
  'Every option on, a 41-character stack name': {
    stackName: LONGEST_STACK_NAME,
    targetLanguages: 'ar,fr,es,de,tr,fa,ku,ru,zh,en',
    llmSettings: '{"PRECIS_MODEL_FAMILY": "gpt-5.4-mini", "PRECIS_LLM_HEADERS": {"X-Title": "precis"}}',
    openAiBaseUrl: 'https://your-resource.openai.azure.com/openai/v1/',
    openAiSecretName: 'team/openai',
    openAiSecretKmsKeyArn: 'arn:aws:kms:ap-southeast-2:123456789012:key/11111111-2222-3333-4444-555555555555',
    apiKeys: 'web,etl@1,etl@2,bi,ops',
    waf: 'managed',
    corsOrigins: 'https://dash.example,https://ops.example',
    alarmEmail: 'ops@example.org',
    apiDetailedMetrics: 'true',
    apiMonthlyQuota: '3000000',
    recordRetentionDays: '365',
    uploadRetentionDays: '30',
    tableDeletionProtection: 'true',
  },
};

/** X-Ray's write actions take no resource: the one statement that may be on "*". */
const XRAY_ONLY = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

function synth(context: Record<string, string>, acknowledge: boolean) {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const original = Validations.prototype.acknowledge;
  if (!acknowledge) Validations.prototype.acknowledge = () => {};
  try {
    const stack = new PrecisStack(app, context.stackName ?? 'Precis', {
      env: { account: '123456789012', region: 'eu-west-1' },
      context: contextSchema.parse(context),
    });
    return { stack, template: Template.fromStack(stack) };
  } finally {
    Validations.prototype.acknowledge = original;
  }
}

const findings = (stack: IConstruct) =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));

function acknowledgements(scope: IConstruct): string[] {
  const found = scope.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>).map((id) => `${id} ${scope.node.path}`));
  return [...found, ...scope.node.children.flatMap(acknowledgements)];
}

/** IAM statements whose Resource is, or includes, "*": [actions, allowed]. */
function starStatements(template: Template): { actions: string[]; allowed: boolean }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Resource].flat().includes('*'))
      .map((s) => {
        const actions = [s.Action].flat();
        return { actions, allowed: actions.every((a) => XRAY_ONLY.has(a)) };
      }),
  );
}

/** The limits of a synthesized stack, and those passed. */
export function limitsOf(
  stack: PrecisStack,
  template: Template,
): { limits: Limit[]; passed: Limit[]; apiPolicy: Limit } {
  const limits = templateLimits(template.toJSON() as TemplateJson, stack.stackName);
  const apiId = stack.getLogicalId(stack.functions.api.fn.node.defaultChild as never);
  const apiPolicy = limits.find((l) => l.what === `${apiId} resource policy`) as Limit;
  return { limits, passed: limits.filter((l) => l.value > l.limit), apiPolicy };
}

export function checkDeployModes() {
  return Object.entries(DEPLOY_MODES).map(([mode, context]) => {
    const raw = findings(synth(context, false).stack);
    const { stack, template } = synth(context, true);
    return {
      mode,
      context,
      raw: raw.length,
      open: findings(stack),
      acknowledged: acknowledgements(stack),
      star: starStatements(template),
      ...limitsOf(stack, template),
    };
  });
}

const share = (l: Limit) =>
  `${l.value.toLocaleString('en')} of ${l.limit.toLocaleString('en')}${l.unit ? ` ${l.unit}` : ''}`;

/** What the command prints: per way, its findings, the statements on "*" and its limits. */
export function deployReport(results: ReturnType<typeof checkDeployModes>): string {
  const out: string[] = [];
  for (const result of results) {
    const flags = Object.entries(result.context)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    out.push(`${result.mode}${flags ? ` (${flags})` : ''}`);
    out.push(
      `  cdk-nag AwsSolutions: ${result.raw} raw, ${result.open.length} open, ${result.acknowledged.length} acknowledged`,
    );
    for (const finding of result.open) out.push(`    open: ${finding}`);
    const kinds = new Map<string, number>();
    for (const s of result.star) kinds.set(s.actions.join(', '), (kinds.get(s.actions.join(', ')) ?? 0) + 1);
    const detail = [...kinds].map(([actions, n]) => `${n}× ${actions}`).join('; ');
    out.push(`  IAM statements on Resource "*": ${result.star.length}${detail ? ` (${detail})` : ''}`);
    for (const s of result.star.filter((s) => !s.allowed)) out.push(`    not allowed: ${s.actions.join(', ')}`);
    const closest = [...result.limits].sort((a, b) => b.value / b.limit - a.value / a.limit).slice(0, 3);
    out.push(
      `  limits: template ${share(result.limits[0] as Limit)}; api resource policy ${share(result.apiPolicy)}; closest: ${closest
        .map((l) => `${l.what} ${Math.round((100 * l.value) / l.limit)} %`)
        .join(', ')}`,
    );
    for (const l of result.passed) out.push(`    over: ${l.what} ${share(l)}`);
  }
  return out.join('\n');
}

/** Where docs/deploying.md keeps the report, written by `npm run deploy:check -- --write-docs`. */
export const DEPLOY_DOC = resolve(import.meta.dirname, '../docs/deploying.md');
const BEGIN = '<!-- deploy:check begin: written by `npm run deploy:check -- --write-docs` -->';
const END = '<!-- deploy:check end -->';

/** The report as docs/deploying.md holds it, between its markers (null when the markers are missing). */
export function reportInDocs(doc: string): string | null {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return null;
  return doc
    .slice(start + BEGIN.length, end)
    .replace(/^\n```text\n/, '')
    .replace(/\n```\n$/, '');
}

/** The doc with `report` between its markers. */
export function withReport(doc: string, report: string): string {
  const block = `${BEGIN}\n\`\`\`text\n${report}\n\`\`\`\n${END}`;
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DEPLOY_DOC} has no ${BEGIN} … ${END} markers`);
  return doc.slice(0, start) + block + doc.slice(end + END.length);
}

if (process.argv[1]?.endsWith('deploy-check.ts')) {
  const results = checkDeployModes();
  const report = deployReport(results);
  console.log(report);
  if (process.argv.includes('--write-docs')) {
    writeFileSync(DEPLOY_DOC, withReport(readFileSync(DEPLOY_DOC, 'utf8'), report));
    console.log(`Wrote the report into ${DEPLOY_DOC}.`);
  }
  const failed = results.some((r) => r.open.length > 0 || r.star.some((s) => !s.allowed) || r.passed.length > 0);
  process.exitCode = failed ? 1 : 0;
}
