import { zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { checkAnswer } from '../../../shared/analysis/llm/answers.js';
import {
  analysisOutput,
  analysisWire,
  analysisWireNoReasons,
  claimsTranslationWire,
  judgeWire,
  summaryOutput,
  summaryWire,
  translationOutput,
  translationWire,
  translationWireWithShort,
} from '../../../shared/analysis/llm/schemas.js';
import { promptSchema, strictSchema } from '../../../shared/analysis/llm/wire-schema.js';

const WIRES = {
  analysis: analysisWire,
  analysisNoReasons: analysisWireNoReasons,
  judge: judgeWire,
  summary: summaryWire,
  translation: translationWire,
  claimsTranslation: claimsTranslationWire,
  translationWithShort: translationWireWithShort,
};

describe('the JSON Schema of structured outputs', () => {
  it.each(Object.entries(WIRES))(
    "is, for the %s answer, byte for byte what the OpenAI client's zodResponseFormat makes of it",
    (name, wire) => {
      // Act
      const ours = JSON.stringify(strictSchema(wire));
      const helpers = JSON.stringify(zodResponseFormat(wire, name).json_schema.schema);

      // Assess
      expect(ours).toBe(helpers);
    },
  );

  it('refuses a field that may be absent but not null, as the helper does, before anything is sent', () => {
    // Prepare
    const wire = z.object({ headline: z.string(), speaker: z.optional(z.string()) });

    // Act
    const ours = () => strictSchema(wire);
    const helpers = () => zodResponseFormat(wire, 'answer');

    // Assess
    expect(ours).toThrow('uses `.optional()` without `.nullable()` which is not supported by the API');
    expect(helpers).toThrow('uses `.optional()` without `.nullable()` which is not supported by the API');
  });

  it('is built once per wire schema, and shared frozen by every request after the first', () => {
    // Act
    const first = strictSchema(translationWire);
    const again = strictSchema(translationWire);
    const inPrompt = promptSchema(translationWire);

    // Assess
    expect(again).toBe(first);
    expect(promptSchema(translationWire)).toBe(inPrompt);
    expect(strictSchema(judgeWire)).not.toBe(first);
    expect(() => {
      (first as { type: unknown }).type = 'array';
    }).toThrow(TypeError);
    expect(() => {
      ((first.properties as Record<string, { type: unknown }>).claims as { type: unknown }).type = 'string';
    }).toThrow(TypeError);
    expect(JSON.stringify(strictSchema(translationWire))).toBe(
      JSON.stringify(zodResponseFormat(translationWire, 'translation').json_schema.schema),
    );
  });

  it('refuses a schema strict mode cannot take at every request, not only the first', () => {
    // Prepare
    const wire = z.object({ headline: z.string(), speaker: z.optional(z.string()) });

    // Act
    const first = () => strictSchema(wire);

    // Assess
    expect(first).toThrow('uses `.optional()` without `.nullable()`');
    expect(first).toThrow('uses `.optional()` without `.nullable()`');
  });

  it('gives every object of an answer no room for other properties', () => {
    // Act
    const schema = strictSchema(analysisWire) as {
      additionalProperties: unknown;
      properties: { claims: { items: { additionalProperties: unknown; required: string[] } } };
    };

    // Assess
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.claims.items.additionalProperties).toBe(false);
    expect(schema.properties.claims.items.required).toEqual([
      'sentences',
      'text',
      'speaker',
      'kind',
      'reason',
      'score',
    ]);
  });
});

describe('an answer checked against its schema', () => {
  it('is taken with its scores as fractions, its missing reasons as null and its bullets cut to five', () => {
    // Prepare
    const answer = {
      headline: 'Plants closed',
      bullets: ['a', 'b', 'c', 'd', 'e', 'f'],
      claims: [{ sentences: [2], text: 'Forty plants closed.', speaker: null, kind: 'event', score: 85 }],
    };

    // Act
    const checked = checkAnswer(JSON.stringify(answer), analysisOutput);

    // Assess
    expect(checked).toEqual({
      ok: true,
      value: {
        headline: 'Plants closed',
        bullets: ['a', 'b', 'c', 'd', 'e'],
        claims: [
          {
            sentences: [2],
            text: 'Forty plants closed.',
            speaker: null,
            kind: 'event',
            checkworthinessReason: null,
            checkworthiness: 0.85,
          },
        ],
      },
    });
  });

  it('says in English what a repair request must fix', () => {
    // Prepare
    const answer = { headline: ' ', bullets: ['a'], claims: [{ sentences: [], text: 1, speaker: null, kind: 'x' }] };

    // Act
    const checked = checkAnswer(JSON.stringify(answer), analysisOutput);

    // Assess
    expect(checked.ok).toBe(false);
    const problems = checked.ok ? '' : checked.problems;
    expect(problems).toContain('claims.0.sentences: must cite at least one sentence number');
    expect(problems).toContain('claims.0.text: Invalid input: expected string, received number');
    expect(problems).toContain('claims.0.kind: Invalid option: expected one of');
    expect(problems).toContain('claims.0.score: Invalid input: expected number, received undefined');
  });

  it('holds a summary to three bullets at least, and a translation to its source', () => {
    // Act
    const summary = checkAnswer('{"headline":"h","bullets":["a","b"]}', summaryOutput);
    const translation = checkAnswer(
      '{"claims":["Trente usines ont fermé."],"speakers":[]}',
      translationOutput({ claims: ['40 plants closed.'], speakers: [] }),
    );

    // Assess
    expect(summary).toMatchObject({ ok: false, problems: 'bullets: must have 3 to 5 items, not 2' });
    expect(translation).toMatchObject({
      ok: false,
      problems: 'claims.0: must translate claim 1 of the source in its place (it lacks 40)',
    });
  });
});
