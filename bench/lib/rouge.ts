import { stemmer } from 'stemmer';

/** Tokens as rouge-score makes them: lower case, letters and digits only, Porter-stemmed. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter(Boolean)
    .map((t) => (t.length > 3 ? stemmer(t) : t));
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

const f1 = (overlap: number, predicted: number, reference: number) => {
  if (overlap === 0 || predicted === 0 || reference === 0) return 0;
  const p = overlap / predicted;
  const r = overlap / reference;
  return (2 * p * r) / (p + r);
};

export function rougeN(prediction: string[], reference: string[], n: number): number {
  const p = ngrams(prediction, n);
  const r = ngrams(reference, n);
  let overlap = 0;
  for (const [gram, count] of p) overlap += Math.min(count, r.get(gram) ?? 0);
  return f1(overlap, Math.max(0, prediction.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** ROUGE-L over the whole texts (longest common subsequence of tokens). */
export function rougeL(prediction: string[], reference: string[]): number {
  const m = prediction.length;
  const n = reference.length;
  let prev = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    const row = new Array<number>(n + 1).fill(0);
    for (let j = 1; j <= n; j++) {
      row[j] =
        prediction[i - 1] === reference[j - 1]
          ? (prev[j - 1] as number) + 1
          : Math.max(prev[j] as number, row[j - 1] as number);
    }
    prev = row;
  }
  return f1(prev[n] as number, m, n);
}

export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

export function rouge(prediction: string, reference: string): RougeScores {
  const p = rougeTokens(prediction);
  const r = rougeTokens(reference);
  return { rouge1: rougeN(p, r, 1), rouge2: rougeN(p, r, 2), rougeL: rougeL(p, r) };
}
