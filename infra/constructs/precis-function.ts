import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PrecisFunctionProps {
  /** The entry file under lambdas/, e.g. `lambdas/ingest/index.ts`. */
  entry: string;
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logLevel?: string;
}

/**
 * A function with the house defaults: Node.js 22 on ARM64, an ESM bundle made
 * by the local esbuild (no Docker) with the AWS SDK inside it at the pinned
 * version, its own log group with a retention, Powertools settings, and a
 * role that starts with nothing: each grant is made next to the resource it
 * opens.
 */
export class PrecisFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PrecisFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: only the grants its code uses`,
    });
    // Writing its own log group is all a function needs to log; no managed policy.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'precis',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The SDK is bundled at the version the code was tested with, not the runtime's.
        externalModules: [],
        // CommonJS dependencies in an ESM bundle need require, and some (emscripten's loader) __dirname.
        banner: [
          "import { createRequire as __createRequire } from 'module';",
          "import { fileURLToPath as __fileURLToPath } from 'url';",
          "import { dirname as __pathDirname } from 'path';",
          'const require = __createRequire(import.meta.url);',
          'const __filename = __fileURLToPath(import.meta.url);',
          'const __dirname = __pathDirname(__filename);',
        ].join(' '),
        forceDockerBundling: false,
      },
    });
  }
}
