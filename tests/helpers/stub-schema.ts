import type { Recorded } from './stub-answers.js';

/**
 * The stand-in writes its answers in the shape the request asks for: the
 * JSON Schema of its structured-outputs format, or the one written into the
 * prompt when the server is asked in JSON mode. What it knows (the summary,
 * the claims with their evidence, the translated fields) is rendered through
 * that schema as a model constrained by it would write it: the properties
 * the schema lists, in its order, arrays cut to `maxItems` and filled to
 * `minItems`, numbers within their bounds, an evidence span copied where a
 * string is asked for and sentence numbers where integers are.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

const SCHEMA_IN_PROMPT = /It must validate against this JSON Schema:\n(\{[\s\S]*\})\s*$/;

/** The schema a request asks its answer to follow, or null when it names none. */
export function requestedSchema(request: Recorded): JsonSchema | null {
  const format = request.body.response_format?.json_schema?.schema;
  if (format && typeof format === 'object') return format as JsonSchema;
  for (const message of request.body.messages) {
    const written = SCHEMA_IN_PROMPT.exec(String(message.content))?.[1];
    if (!written) continue;
    try {
      return JSON.parse(written) as JsonSchema;
    } catch {
      // A schema cut by the server's context: answer as if none was written.
    }
  }
  return null;
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (!ref) return schema;
  const name = ref.replace(/^#\/(\$defs|definitions)\//, '');
  return root.$defs?.[name] ?? root.definitions?.[name] ?? {};
}

const types = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);
const isIntegerArray = (schema: JsonSchema, root: JsonSchema) =>
  types(schema).includes('array') &&
  ['integer', 'number'].some((t) => types(resolve(schema.items ?? {}, root)).includes(t));

/** What a property holds when the knowledge has nothing under its name: the value a model would put there. */
function fallback(schema: JsonSchema): unknown {
  const t = types(schema);
  if (schema.enum) return schema.enum[0];
  if (t.includes('null')) return null;
  if (t.includes('string')) return 'Not stated in the article.';
  if (t.includes('integer') || t.includes('number')) return schema.minimum ?? 0;
  if (t.includes('boolean')) return true;
  if (t.includes('array')) return [];
  return {};
}

/**
 * `value` written as `schema` asks. An object takes the schema's properties
 * in order, each from the value's field of that name; an array of integers
 * asked where the value has sentence numbers takes those (evidence given by
 * reference); a string asked where the value holds an object takes its
 * `text`. Arrays are cut to `maxItems` and filled to `minItems` with their
 * last item; numbers are kept within `minimum` and `maximum`.
 */
export function render(schema: JsonSchema, value: unknown, root: JsonSchema = schema): unknown {
  const s = resolve(schema, root);
  if (s.anyOf) {
    if (value === null && s.anyOf.some((b) => types(resolve(b, root)).includes('null'))) return null;
    const branch = s.anyOf.find((b) => !types(resolve(b, root)).includes('null')) ?? s.anyOf[0] ?? {};
    return render(branch, value, root);
  }
  const t = types(s);
  if (value === null && t.includes('null')) return null;
  if (t.includes('object') || s.properties) {
    const source = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(s.properties ?? {})) {
      const own = source[key];
      const field = isIntegerArray(property, root) && !Array.isArray(own) ? source.sentences : own;
      out[key] = field === undefined ? fallback(resolve(property, root)) : render(property, field, root);
    }
    return out;
  }
  if (t.includes('array')) {
    const items = (Array.isArray(value) ? value : []).map((item) => render(s.items ?? {}, item, root));
    const bounded = s.maxItems === undefined ? items : items.slice(0, s.maxItems);
    while (s.minItems !== undefined && bounded.length < s.minItems) {
      bounded.push(bounded.at(-1) ?? fallback(resolve(s.items ?? {}, root)));
    }
    return bounded;
  }
  if (t.includes('string')) {
    const text =
      typeof value === 'string'
        ? value
        : value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string'
          ? (value as { text: string }).text
          : null;
    if (s.enum) return s.enum.includes(text) ? text : s.enum[0];
    return text ?? fallback(s);
  }
  if (t.includes('integer') || t.includes('number')) {
    const n = typeof value === 'number' ? value : Number(fallback(s));
    const rounded = t.includes('integer') && !t.includes('number') ? Math.round(n) : n;
    return Math.min(s.maximum ?? Number.POSITIVE_INFINITY, Math.max(s.minimum ?? Number.NEGATIVE_INFINITY, rounded));
  }
  if (t.includes('boolean')) return typeof value === 'boolean' ? value : true;
  return value ?? null;
}
