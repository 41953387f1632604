import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { contextSchema } from '../../infra/context.js';
import { FEATURE_FLAGS } from '../../infra/flags.js';
import { PrecisStack } from '../../infra/precis-stack.js';

export type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/**
 * The stack as a template, without bundling the functions (the assets are
 * placeholders): the template is the same, and the real bundles are built
 * and loaded once, by the synth test in the integration tier.
 */
export function build(context: Record<string, string> = {}, stackName = 'Test', region = 'eu-west-1') {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PrecisStack(app, stackName, {
    env: { account: '123456789012', region },
    context: contextSchema.parse(context),
  });
  const template = Template.fromStack(stack);
  const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return { app, stack, template, resources, logicalId };
}
