/**
 * What `npm run demo` prints of each article once it ends: its facts, summary,
 * usage, checks, claims with where their evidence was found, and how each
 * translation ended, saying so when precis's stand-in LLM wrote them.
 */
import type { ArticleRecord } from '../shared/article.js';

export const STUB_TRANSLATION = 'stub translation: not a real translation';

export const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
export const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function wrap(text: string, indent: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width - indent.length) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

export function report(file: string, a: ArticleRecord): string {
  const out: string[] = [];
  const t = a.timings ?? {};
  const total = a.analyzedAt
    ? Date.parse(a.analyzedAt) - Date.parse(a.receivedAt)
    : Date.parse(a.updatedAt) - Date.parse(a.receivedAt);
  const stages = [
    t.ingestMs !== undefined ? `ingest ${t.ingestMs} ms` : null,
    t.analyzeMs !== undefined ? `analyze ${t.analyzeMs} ms` : null,
    `upload to ${a.status} ${total} ms`,
  ].filter(Boolean);
  out.push(bold(`━━ ${file} ── ${a.status}`) + dim(`  (${stages.join(' · ')})`));
  if (a.status === 'FAILED') {
    out.push(
      `  Error:       ${a.error?.code} — ${a.error?.message} (stage ${a.error?.stage}, attempt ${a.error?.attempts})`,
    );
    return out.join('\n');
  }
  const p = a.provenance;
  out.push(`  Title:       ${wrap(a.title ?? '(none)', '               ')}`);
  out.push(
    `  Published:   ${a.publishedAt ?? 'unknown'}    Language: ${a.language ?? 'unknown'}    Words: ${a.wordCount}`,
  );
  out.push(
    `  Engine:      ${p?.engine}${p?.model ? ` (${p.model})` : ''}    cleaner ${p?.cleanerVersion}    format ${a.format}, ${a.encoding}`,
  );
  if (p?.llm) {
    out.push(
      `  LLM:         ${p.llm.provider}, ${p.llm.api} API, ${p.llm.outputMode}, reasoning effort ${p.llm.reasoningEffort ?? 'not sent'}`,
    );
  }
  if (a.summary) {
    out.push(`  Headline:    ${wrap(a.summary.headline, '               ')}`);
    out.push(`  Summary:     ${wrap(a.summary.short, '               ')}`);
    out.push('  Bullets:');
    for (const b of a.summary.bullets) out.push(`    • ${wrap(b, '      ')}`);
  }
  const usage = Object.entries(a.usage ?? {});
  if (usage.length > 0) {
    const usd = (n: number | null) => (n === null ? 'price unknown' : `$${n.toFixed(5)}`);
    out.push(
      `  Usage:       ${usage
        .map(([stage, u]) => {
          const of = [
            u.cachedInputTokens ? `${u.cachedInputTokens} cached` : '',
            u.reasoningTokens ? `${u.reasoningTokens} reasoning` : '',
            (u.calls ?? 1) > 1 ? `${u.calls} calls` : '',
          ].filter(Boolean);
          return `${stage} ${u.inputTokens}+${u.outputTokens} tokens${of.length ? ` (${of.join(', ')})` : ''} ${usd(u.costUsd)}`;
        })
        .join(' · ')}`,
    );
  }
  if (a.provenance?.cacheHit) out.push('  Cache:       reused an identical earlier analysis (nothing paid)');
  if (a.provenance?.stub) {
    out.push(
      `  Stub:        answered by precis's stand-in LLM (npm run stub:llm): an extractive summary, filler "translations", nothing billed`,
    );
  }
  if (a.provenance?.fallback) {
    out.push(
      `  Fallback:    offline results; the LLM failed with ${a.provenance.fallback.code} — ${a.provenance.fallback.message}`,
    );
  }
  if (a.checks) {
    const c = a.checks;
    const figures = Object.entries(c.numbers.translations)
      .filter(([, t]) => t.missing.length + t.added.length > 0)
      .map(([lang, t]) => `${lang}: missing ${t.missing.join(', ') || '—'}, added ${t.added.join(', ') || '—'}`);
    out.push(
      `  Checks:      ${c.claims.grounded}/${c.claims.total} claims grounded${c.claims.dropped ? `, ${c.claims.dropped} dropped` : ''}; ` +
        (c.summary && c.summary.unsupportedFigures.length > 0
          ? `summary figures not in the article: ${c.summary.unsupportedFigures.join(', ')}, ${c.summary.verified ? 'repaired by the model' : `replaced (${(c.summary.replaced ?? []).join(', ')}) by the offline text`}`
          : `summary figures not in the article: ${c.numbers.summaryNotInArticle.join(', ') || 'none'}`) +
        (figures.length > 0 ? `; translation figures: ${figures.join('; ')}` : ''),
    );
  }
  const claims = a.claims ?? [];
  out.push(`  Claims (${claims.length}):`);
  for (const c of claims) {
    const who = c.speaker ? `${c.speaker}: ` : '';
    out.push(`    ${c.id} [${c.kind}, ${c.checkworthiness.toFixed(2)}] ${wrap(`${who}“${c.evidence}”`, '      ')}`);
    const found =
      c.start === null
        ? 'evidence NOT found in the text'
        : `evidence at ${c.start}–${c.end}, ${c.grounded ? 'found in the text' : `found, but it does not state ${(c.unsupported ?? []).join(', ')}`}`;
    out.push(dim(`      ${found}`));
  }
  // Languages with the same status and reason share a line.
  const byOutcome = new Map<string, string[]>();
  for (const [lang, tr] of Object.entries(a.translations ?? {})) {
    const outcome = `${tr.status}${'reason' in tr ? ` — ${tr.reason}` : ''}`;
    byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), lang]);
  }
  if (byOutcome.size === 0) out.push('  Translations: none configured (TARGET_LANGUAGES)');
  for (const [outcome, langs] of byOutcome) {
    const stub = a.provenance?.stub && outcome === 'done' ? ` (${STUB_TRANSLATION})` : '';
    out.push(`  Translations: ${langs.join(', ')} ${outcome}${stub}`);
  }
  return out.join('\n');
}

/** The demo's closing word when the stand-in LLM answered: what its translations are, and how to get real ones. */
export function stubNote(articles: ArticleRecord[]): string | null {
  const stubbed = articles.filter((a) => a.provenance?.stub).length;
  if (stubbed === 0) return null;
  return [
    `${stubbed} article${stubbed === 1 ? ' was' : 's were'} analysed by precis's stand-in LLM (${STUB_TRANSLATION}): the`,
    'translations are filler words in the script of the language, figures kept. For real ones, set OPENAI_API_KEY',
    '(or the OPENAI_BASE_URL of a real OpenAI-compatible server) instead.',
  ].join('\n');
}
