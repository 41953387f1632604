/**
 * A pure function of a text, with its last few results kept: an analysis
 * reads the same article, prompt or summary through several checks (the
 * figures of the article for the summary's check and for the verifier, the
 * tokens of a prompt before it is sent and again when its answer's usage is
 * read), and each would otherwise read it again from the start. Looking a
 * text up costs a hash of it, which V8 keeps on the string once made.
 *
 * Only for functions whose result depends on the text alone, and whose
 * callers do not change the result they are given (it is shared). At most
 * `size` texts are kept, the oldest let go first, so memory stays bounded
 * by the texts in flight; texts shorter than `minLength` are not kept (a
 * look-up would cost about what reading them does).
 */
export function keptByText<T>(compute: (text: string) => T, size: number, minLength = 0): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    if (text.length < minLength) return compute(text);
    if (kept.has(text)) return kept.get(text) as T;
    const value = compute(text);
    if (kept.size >= size) kept.delete(kept.keys().next().value as string);
    kept.set(text, value);
    return value;
  };
}
