/**
 * An OpenAI-compatible stub server on 127.0.0.1 that answers like a careful
 * model (extractive analysis, script-faithful "translations"), for trying
 * the LLM path with no network:
 *
 *   npm run stub:llm                      # prints its base URL
 *   OPENAI_BASE_URL=http://127.0.0.1:11435/v1 npm run demo
 */
import { startStubOpenAI } from '../tests/helpers/stub-openai.js';

const stub = await startStubOpenAI({}, Number(process.env.PRECIS_STUB_PORT ?? 11435));
console.log(`OpenAI-compatible stub on ${stub.baseURL} (Ctrl-C stops it)`);
setInterval(() => {
  const n = stub.requests.length;
  if (n > 0) console.log(`${n} requests so far: ${stub.requests.map((r) => r.task).join(', ')}`);
  stub.requests.length = 0;
}, 2000).unref();
process.on('SIGINT', async () => {
  await stub.close();
  process.exit(0);
});
await new Promise(() => undefined);
