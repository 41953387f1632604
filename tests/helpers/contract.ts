/**
 * Checks a real answer of the API against openapi.json: the operation must
 * list the status, the content type and (for JSON) a schema the body meets,
 * with no field the document does not name.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { OPENAPI_FILE } from '../../scripts/openapi.js';

interface Media {
  schema?: object;
}
interface Operation {
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: document.components });

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** Rewrites the document's local references so a schema compiles on its own against the registered components. */
function rooted(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
}

/** Throws, saying why, when an answer is not one the document describes. */
export function checkAnswer(method: string, url: string, status: number, contentType: string, text: string): void {
  const path = new URL(url, 'http://x').pathname;
  // Static paths first ("/articles/reprocess" before "/articles/{id}").
  const match =
    templates.find((t) => t.template === path && document.paths[t.template]?.[method.toLowerCase()]) ??
    templates.find((t) => t.pattern.test(path) && document.paths[t.template]?.[method.toLowerCase()]);
  const operation = match && document.paths[match.template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${path} is not in openapi.json`);
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`${method} ${path} answered ${status}, which openapi.json does not list`);
  if (!response.content) {
    if (text !== '') throw new Error(`${method} ${path} ${status} has a body; openapi.json lists none`);
    return;
  }
  const media = Object.entries(response.content).find(([type]) => type.split(';')[0] === contentType.split(';')[0]);
  if (!media)
    throw new Error(`${method} ${path} ${status} answered ${contentType}, not ${Object.keys(response.content)}`);
  if (!contentType.includes('json') || !media[1].schema) return;
  const validate = ajv.compile(rooted(media[1].schema));
  if (!validate(JSON.parse(text))) {
    throw new Error(`${method} ${path} ${status} does not meet openapi.json: ${ajv.errorsText(validate.errors)}`);
  }
}

/** fetch, with every answer checked against openapi.json. */
export async function contractFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  const text = await response.clone().text();
  checkAnswer(init.method ?? 'GET', url, response.status, response.headers.get('content-type') ?? '', text);
  return response;
}
