/**
 * Feature flags the stack is written against, set in code so that the CDK
 * CLI, the tests and a direct run of the app synthesize the same template.
 */
export const FEATURE_FLAGS: Record<string, unknown> = {
  '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion': false,
  '@aws-cdk/aws-sqs:sqsManagedSseEncryption': true,
};
