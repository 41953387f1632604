/**
 * What a synthesized template asks of the AWS limits that a synth does not
 * check and a deploy fails on: the template's own size and counts, each
 * function's resource policy and environment, each role's inline policies,
 * and names that grow with the stack's name. Values a deploy fills in (ids,
 * generated names, the region) are taken at their longest, so a template
 * under these limits here is under them in any account and region.
 */

type Json = unknown;
type Resource = { Type: string; Properties?: Record<string, Json> };
export type TemplateJson = {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
  Parameters?: Record<string, Json>;
};

export interface Limit {
  what: string;
  value: number;
  limit: number;
  unit: string;
}

/** The longest values a deploy may fill in. */
const LONGEST = {
  region: 'ap-southeast-2',
  account: '123456789012',
  /** CloudFormation names a function `<stack>-<logical id>-<suffix>`, 64 characters at most. */
  functionName: 64,
  /** API Gateway ids are 10 characters. */
  restApiId: 10,
};

/** A value with CloudFormation's intrinsics replaced by the longest text they can stand for. */
export function render(value: Json, template: TemplateJson, stackName: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => render(v, template, stackName)).join(',');
  const intrinsic = value as Record<string, Json>;
  if ('Ref' in intrinsic) {
    const ref = String(intrinsic.Ref);
    const pseudo: Record<string, string> = {
      'AWS::Region': LONGEST.region,
      'AWS::AccountId': LONGEST.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
    };
    if (pseudo[ref]) return pseudo[ref];
    const type = template.Resources[ref]?.Type;
    if (type === 'AWS::ApiGateway::RestApi') return 'x'.repeat(LONGEST.restApiId);
    if (type === 'AWS::Lambda::Function') return 'f'.repeat(LONGEST.functionName);
    return `${ref}-${'x'.repeat(13)}`;
  }
  if ('Fn::GetAtt' in intrinsic) {
    const [id, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    const type = template.Resources[id]?.Type;
    if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
      return `arn:aws:lambda:${LONGEST.region}:${LONGEST.account}:function:${'f'.repeat(LONGEST.functionName)}`;
    }
    return `arn:aws:${id}:${LONGEST.region}:${LONGEST.account}:${attribute}`;
  }
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, Json[]];
    return parts.map((part) => render(part, template, stackName)).join(separator);
  }
  if ('Fn::Sub' in intrinsic) return String(intrinsic['Fn::Sub']);
  if ('Fn::Select' in intrinsic) return 'x'.repeat(12);
  return JSON.stringify(value);
}

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** The resource policy Lambda keeps for a function: one statement per AWS::Lambda::Permission on it. */
export function resourcePolicy(template: TemplateJson, functionId: string, stackName: string): string {
  const statements = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
    .filter(([, r]) => JSON.stringify(r.Properties?.FunctionName).includes(`"${functionId}"`))
    .map(([id, r]) => {
      const props = r.Properties ?? {};
      const principal = render(props.Principal, template, stackName);
      return {
        // CloudFormation's statement id: the stack, the logical id and a suffix (Lambda takes 100 characters).
        Sid: `${stackName}-${id}-${'X'.repeat(12)}`.slice(0, 100),
        Effect: 'Allow',
        Principal: { Service: principal },
        Action: render(props.Action, template, stackName),
        Resource: render(props.FunctionName, template, stackName),
        ...(props.SourceArn
          ? { Condition: { ArnLike: { 'AWS:SourceArn': render(props.SourceArn, template, stackName) } } }
          : {}),
      };
    });
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

/** Every limit this template meets, with its value at the longest a deploy can make it. */
export function templateLimits(template: TemplateJson, stackName: string): Limit[] {
  const limits: Limit[] = [
    { what: 'template', value: byteLength(JSON.stringify(template)), limit: 1_000_000, unit: 'bytes' },
    { what: 'resources', value: Object.keys(template.Resources).length, limit: 500, unit: '' },
    { what: 'outputs', value: Object.keys(template.Outputs ?? {}).length, limit: 200, unit: '' },
    { what: 'parameters', value: Object.keys(template.Parameters ?? {}).length, limit: 200, unit: '' },
  ];
  for (const [id, r] of Object.entries(template.Resources)) {
    const props = r.Properties ?? {};
    if (r.Type === 'AWS::Lambda::Function') {
      const policy = resourcePolicy(template, id, stackName);
      limits.push({ what: `${id} resource policy`, value: byteLength(policy), limit: 20_480, unit: 'bytes' });
      // Lambda counts the variables as JSON: names and values, rendered.
      const variables = (props.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {};
      const rendered = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, render(v, template, stackName)]),
      );
      limits.push({
        what: `${id} environment`,
        value: byteLength(JSON.stringify(rendered)),
        limit: 4_096,
        unit: 'bytes',
      });
    }
  }
  // IAM counts a role's inline policies together, without whitespace.
  const inline = new Map<string, number>();
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const size = render(r.Properties?.PolicyDocument, template, stackName).length;
    for (const role of (r.Properties?.Roles as { Ref: string }[] | undefined) ?? []) {
      inline.set(role.Ref, (inline.get(role.Ref) ?? 0) + size);
    }
  }
  for (const [role, size] of inline)
    limits.push({ what: `${role} inline policies`, value: size, limit: 10_240, unit: 'chars' });
  for (const [id, r] of Object.entries(template.Resources)) {
    const names: [string, number][] = [
      ['AWS::ApiGateway::UsagePlan', 1024],
      ['AWS::ApiGateway::ApiKey', 1024],
      ['AWS::Cognito::UserPool', 128],
      ['AWS::Cognito::UserPoolClient', 128],
      ['AWS::Logs::LogGroup', 512],
    ];
    const found = names.find(([type]) => type === r.Type);
    const props = r.Properties ?? {};
    const name = props.UsagePlanName ?? props.Name ?? props.UserPoolName ?? props.ClientName ?? props.LogGroupName;
    if (found && name !== undefined) {
      limits.push({
        what: `${id} name`,
        value: render(name, template, stackName).length,
        limit: found[1],
        unit: 'chars',
      });
    }
    if (r.Type === 'AWS::Cognito::UserPoolDomain') {
      limits.push({
        what: `${id} prefix`,
        value: render(props.Domain, template, stackName).length,
        limit: 63,
        unit: 'chars',
      });
    }
  }
  return limits;
}
