import { engineLine } from './engine-line.js';
import type { LocalStack } from './stack.js';
import { LOCAL_CREDENTIALS, localOptions, startLocalStack } from './stack.js';
import { uploadCommand } from './try-command.js';

/**
 * The local stack as `npm start` runs it: configured by the environment,
 * its endpoints and key printed, stopped (its data kept) on Ctrl-C or
 * SIGTERM. Exits with 2 on a bad setting and 1 when the stack cannot start.
 */
export async function runLocalStack(): Promise<LocalStack> {
  const options = (() => {
    try {
      return localOptions();
    } catch (error) {
      console.error(`precis: ${(error as Error).message}`);
      process.exit(2);
    }
  })();
  const stack = await startLocalStack({ ...options, log: (line) => console.log(line) }).catch((error: Error) => {
    console.error(`precis: ${error.message}`);
    process.exit(1);
  });

  const { s3, dynamodb, api } = stack.endpoints;
  console.log(`precis local stack is running (data in ${stack.dataDir})

  S3 API        ${s3}   bucket ${stack.bucket}, upload under incoming/
  DynamoDB API  ${dynamodb}
  HTTP API      ${api}   its contract at ${api}/openapi.json
  reader page   ${api}/   (it asks for the key once per tab)
  API key       ${stack.apiKey}
  engine        ${engineLine(options.analyze)}
  languages     ${options.analyze.TARGET_LANGUAGES.length > 0 ? options.analyze.TARGET_LANGUAGES.join(', ') : 'none (set TARGET_LANGUAGES=ar,fr)'}

Try:
  open ${api}/ and drop an article on the page
  ${uploadCommand(api, stack.dataDir)}        (and precis list, get, claims)
  AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} aws s3 cp samples/basra-water.html s3://${stack.bucket}/incoming/ --endpoint-url ${s3}
  curl -H 'x-api-key: ${stack.apiKey}' ${api}/articles

Ctrl-C stops it; the data stays in ${stack.dataDir}.`);

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (stopping) process.exit(130);
      stopping = true;
      console.log('\nStopping…');
      await stack.stop();
      process.exit(0);
    });
  }
  return stack;
}
