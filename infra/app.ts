import { App } from 'aws-cdk-lib';
import { PrecisStack } from './precis-stack.js';

const app = new App();
new PrecisStack(app, 'Precis', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
