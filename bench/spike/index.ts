/**
 * The anchor for cold starts: a function with nothing but the clients every
 * function of this kind needs (S3, DynamoDB, the OpenAI client, middy),
 * bundled as precis's functions are. `npm run bench` times its import.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import OpenAI from 'openai';

const s3 = new S3Client({});
const dynamodb = new DynamoDBClient({});
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'none' });

export const handler = middy(async (event: { key: string }) => {
  const object = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: event.key }));
  const item = await dynamodb.send(new GetItemCommand({ TableName: 'table', Key: { id: { S: event.key } } }));
  const answer = await openai.chat.completions.create({ model: 'model', messages: [{ role: 'user', content: '' }] });
  return { object: object.ContentLength, item: item.Item, answer: answer.id };
});
