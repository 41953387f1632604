import * as z from 'zod/mini';

/** The JSON inside an answer: after any `<think>` block, inside any code fence, between the outer braces. */
export function jsonText(content: string): string {
  let text = content.replace(/^\s*<(think|thinking|reasoning)>[\s\S]*?<\/\1>\s*/i, '');
  const fenced = /```(?:json)?\s*([\s\S]*?)\s*```/i.exec(text);
  if (fenced?.[1]) text = fenced[1];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

function validationProblems(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 12)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** An answer parsed and validated, or what is wrong with it, in words a repair request can quote. */
export function checkAnswer<T>(
  content: string,
  schema: z.ZodMiniType<T>,
): { ok: true; value: T } | { ok: false; problems: string; notJson: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText(content));
  } catch {
    return { ok: false, problems: 'it is not valid JSON', notJson: true };
  }
  const result = z.safeParse(schema, parsed);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: validationProblems(result.error), notJson: false };
}
