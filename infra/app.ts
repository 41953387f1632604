import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from './context.js';
import { FEATURE_FLAGS } from './flags.js';
import { PrecisStack } from './precis-stack.js';

const app = new App({ context: FEATURE_FLAGS });
new PrecisStack(app, app.node.tryGetContext('stackName') ?? 'Precis', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'precis: news articles to summaries, translations and checkable claims',
  context: readContext(app),
});
// cdk-nag's AWS Solutions rules run on every synth: an unacknowledged finding stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
