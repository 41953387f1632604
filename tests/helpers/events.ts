import type { APIGatewayProxyEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context.js';

export const context = (name = 'test') => lambdaContext(name);

export function sqsRecord(body: unknown, options: { messageId?: string; receiveCount?: number } = {}): SQSRecord {
  return {
    messageId: options.messageId ?? `m-${Math.random().toString(36).slice(2)}`,
    receiptHandle: 'r',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** An S3 ObjectCreated notification as S3 sends it to SQS (the key URL-encoded). */
export function s3Notification(
  encodedKey: string,
  size: number,
  options: { bucket?: string; sequencer?: string } = {},
) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-01-01T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: options.bucket ?? 'precis-test', arn: 'arn:aws:s3:::precis-test' },
          object: { key: encodedKey, size, eTag: 'abc', sequencer: options.sequencer ?? '0062E99A88DC407460' },
        },
      },
    ],
  };
}

export function restEvent(path: string, query: Record<string, string> = {}, method = 'GET'): APIGatewayProxyEvent {
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', stage: 'test' } as APIGatewayProxyEvent['requestContext'],
  };
}
