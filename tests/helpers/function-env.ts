/** Enough of a deployed function's environment for its bundle to load (placeholder names, as the stack would give). */
export const FUNCTION_ENV = {
  AWS_REGION: 'eu-west-1',
  PRECIS_TABLE: 'articles',
  PRECIS_BUCKET: 'bucket',
  PRECIS_ANALYZE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/analyze',
  PRECIS_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  PRECIS_ANALYZE_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/analyze-dead-letters',
  PRECIS_INGEST_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dead-letters',
  PRECIS_OPENAI_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key',
};
