import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PrecisStack } from '../../infra/precis-stack.js';
import { TABLE_SCHEMA } from '../../shared/storage/table.js';

describe('PrecisStack', () => {
  const template = Template.fromStack(new PrecisStack(new App(), 'Test'));

  it('creates the article table with the key schema and indexes the code queries', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as {
      Properties: { KeySchema: unknown; GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown }[] };
    }[];
    expect(table?.Properties.KeySchema).toEqual([{ AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }]);
    expect(table?.Properties.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.KeySchema])).toEqual(
      [TABLE_SCHEMA.byReceived, TABLE_SCHEMA.byStatus].map((i) => [
        i.indexName,
        [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
      ]),
    );
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
    });
  });

  it('keeps the bucket private, encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    });
  });
});
