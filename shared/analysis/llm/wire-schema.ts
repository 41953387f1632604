import * as z from 'zod/mini';
import { once } from '../../lazily.js';

/**
 * The JSON Schemas a wire schema (schemas.ts) is sent as: the one a request
 * in JSON mode carries in its prompt, and the strict one of structured
 * outputs' `response_format` / `text.format`.
 *
 * The strict one is what the OpenAI client's `zodResponseFormat`
 * (`openai/helpers/zod`) makes of a zod 4 schema, without importing the
 * helper: it brings zod 3 and a converter for it into every function that
 * sends a request, only for the schemas precis never writes in zod 3. Draft
 * 7, as the helper asks zod for; zod's output already has what strict mode
 * wants of precis's schemas (every property required, no other property
 * allowed, nullable instead of optional), so it is checked here rather than
 * rewritten: a schema the helper refuses fails with its words, one it would
 * have to rewrite fails too, at the request, before anything is sent. The
 * wire schemas' test compares the two byte for byte.
 */

type JsonSchema = Record<string, unknown>;

/**
 * Each wire schema's two JSON Schemas, built at its first request and sent
 * by every request after it: a wire schema is a module's constant, and
 * converting and checking it again cost each request a fraction of a
 * millisecond for the same answer. Frozen, since every request shares them
 * (copies: zod may hand out its own metadata's objects inside a JSON Schema).
 * A schema that fails the strict check is not kept, and fails again.
 */
const built = new WeakMap<
  z.core.$ZodType,
  { prompt: () => Readonly<JsonSchema>; strict: () => Readonly<JsonSchema> }
>();

function schemasOf(wire: z.core.$ZodType) {
  let schemas = built.get(wire);
  if (!schemas) {
    schemas = {
      prompt: once(() => frozenCopy(z.toJSONSchema(wire) as JsonSchema)),
      strict: once(() => frozenCopy(strictSchemaOf(wire))),
    };
    built.set(wire, schemas);
  }
  return schemas;
}

/** The schema written into a prompt (JSON mode, and a repair of an answer that was no JSON). */
export function promptSchema(wire: z.core.$ZodType): Readonly<JsonSchema> {
  return schemasOf(wire).prompt();
}

/** The strict JSON Schema of structured outputs: every field required, no extra ones, nullable for absent. */
export function strictSchema(wire: z.core.$ZodType): Readonly<JsonSchema> {
  return schemasOf(wire).strict();
}

function strictSchemaOf(wire: z.core.$ZodType): JsonSchema {
  const schema = z.toJSONSchema(wire, { target: 'draft-7' }) as JsonSchema;
  if (schema.type !== 'object') {
    throw new Error(`Root schema must have type: 'object' but got type: ${String(schema.type)}`);
  }
  checkStrict(schema, []);
  return schema;
}

function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Keywords strict structured outputs do not take, and precis's schemas never produce. */
const UNSUPPORTED = [
  'allOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  'patternProperties',
  'propertyNames',
  'prefixItems',
  'additionalItems',
  'uniqueItems',
  'dependencies',
  'minProperties',
  'maxProperties',
];

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a schema takes null: the only way a field may be left empty in strict mode. */
function nullable(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const type = schema.type;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some(nullable);
}

/** Fails on what strict mode cannot take, with the words the OpenAI client's helper uses. */
function checkStrict(schema: JsonSchema, path: string[]): void {
  const where = path.join('/') || '<root>';
  for (const keyword of UNSUPPORTED) {
    if (schema[keyword] !== undefined) {
      throw new Error(
        `Schema at \`${where}\` uses unsupported keyword \`${keyword}\` and cannot be represented in strict Structured Outputs.`,
      );
    }
  }
  const properties = schema.properties;
  if (schema.type === 'object' || isObject(properties)) {
    if (schema.additionalProperties !== false) {
      throw new Error(
        `Object schema at \`${where}\` must set \`additionalProperties: false\` to be compatible with strict Structured Outputs.`,
      );
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    for (const [key, value] of Object.entries(isObject(properties) ? properties : {})) {
      if (!required.includes(key) && !nullable(value)) {
        throw new Error(
          `Schema field at \`${[...path, 'properties', key].join('/')}\` uses \`.optional()\` without \`.nullable()\` which is not supported by the API. See: https://platform.openai.com/docs/guides/structured-outputs?api-mode=responses#all-fields-must-be-required`,
        );
      }
      if (!required.includes(key)) {
        throw new Error(
          `Schema field at \`${[...path, 'properties', key].join('/')}\` may be absent: strict Structured Outputs needs every field required (nullable when it may be empty).`,
        );
      }
      checkStrict(value as JsonSchema, [...path, 'properties', key]);
    }
  }
  // As the helper does: a null default says nothing a nullable field does not.
  if (schema.default === null) delete schema.default;
  if (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))) {
    if (!isObject(schema.items)) {
      throw new Error(
        `Schema at \`${where}\` declares an array without \`items\`, which cannot be represented in strict Structured Outputs.`,
      );
    }
  }
  if (isObject(schema.items)) checkStrict(schema.items, [...path, 'items']);
  if (Array.isArray(schema.anyOf)) {
    schema.anyOf.forEach((branch, i) => {
      checkStrict(branch as JsonSchema, [...path, 'anyOf', String(i)]);
    });
  }
}
