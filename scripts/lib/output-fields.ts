/**
 * Where a run's output tokens go, for `npm run measure:cost`: each answer
 * the stand-in gave, counted with the o200k tokenizer field by field. An
 * analysis answer splits into its summary fields and, summed over its
 * claims, each claim field (`claim.text`, `claim.reason`, …); a translation
 * into its fields, with the source it was sent beside them. What is left of
 * an answer once its fields' values are counted is its JSON: keys, quotes,
 * brackets and commas (`(keys and JSON)`).
 */
import { countTokens } from 'gpt-tokenizer';
import type { Recorded } from '../../tests/helpers/stub-openai.js';

/** Output tokens per article, by call and field: `analysis claim.text`, `translation:ar claims`, … */
export type OutputFields = Record<string, number>;

const tokens = (value: unknown) => countTokens(typeof value === 'string' ? value : JSON.stringify(value));

/** The call a request was: the analysis, a translation into its language, or another (merge, repair, judge). */
function callOf(request: Recorded): string {
  if (request.task === 'article_analysis') return 'analysis';
  if (request.task !== 'translation') return request.task;
  const user = request.body.messages.at(-1)?.content ?? '';
  return `translation:${/\(([a-z]{2,3}(?:-[a-z0-9]+)?)\)\. Write in/i.exec(user)?.[1] ?? '?'}`;
}

/** The JSON source a translation request sends (its one line that is a JSON object). */
function sourceOf(request: Recorded): unknown {
  const line = (request.body.messages.at(-1)?.content ?? '').split('\n').find((l) => l.trimStart().startsWith('{'));
  return line ? JSON.parse(line) : null;
}

/** The output tokens of `requests`' answers per article, by call and field. */
export function outputFields(requests: Recorded[], articles: number): OutputFields {
  const sums: OutputFields = {};
  const add = (key: string, n: number) => {
    sums[key] = (sums[key] ?? 0) + n;
  };
  for (const request of requests) {
    if (request.answer === undefined) continue;
    const call = callOf(request);
    const whole = countTokens(request.answer);
    add(`${call} (whole answer)`, whole);
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(request.answer) as Record<string, unknown>;
    } catch {
      continue;
    }
    let counted = 0;
    for (const [key, value] of Object.entries(answer)) {
      if (call === 'analysis' && key === 'claims' && Array.isArray(value)) {
        for (const claim of value as Record<string, unknown>[]) {
          for (const [field, v] of Object.entries(claim)) {
            const n = tokens(v);
            add(`${call} claim.${field}`, n);
            counted += n;
          }
        }
      } else {
        const n = tokens(value);
        add(`${call} ${key}`, n);
        counted += n;
      }
    }
    add(`${call} (keys and JSON)`, whole - counted);
    if (call.startsWith('translation:')) add(`${call} (source sent, input)`, tokens(sourceOf(request)));
  }
  return Object.fromEntries(Object.entries(sums).map(([key, n]) => [key, n / articles]));
}
