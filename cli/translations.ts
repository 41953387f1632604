/**
 * What `precis get --lang` says about translations beyond the API's answer:
 * that a stand-in's "translation" is none, and, when a language is missing,
 * what to do to get it.
 */
import type { ArticleRecord } from '../shared/article.js';

export const STUB_TRANSLATION = 'stub translation: not a real translation';

/** The line shown with a translation written by precis's stand-in LLM, or null for any other. */
export function stubNotice(article: Pick<ArticleRecord, 'provenance'>): string | null {
  return article.provenance?.stub
    ? `${STUB_TRANSLATION} (precis's stand-in LLM writes filler words in the language's script, figures kept)`
    : null;
}

/**
 * What to do to get `lang` for an article that has no translation into it:
 * the offline engine never translates (an LLM and TARGET_LANGUAGES are
 * needed, then the article analysed again); an LLM translates only into the
 * languages configured when it ran.
 */
export function translationHelp(article: Pick<ArticleRecord, 'id' | 'provenance' | 'translations'>, lang: string) {
  const p = article.provenance;
  const offline = !p || p.engine === 'offline' || Boolean(p.fallback);
  if (offline) {
    return [
      `The offline engine analysed ${article.id}, and it does not translate. For translations, run the stack`,
      'with an LLM and the languages to translate into, then analyse the article again:',
      `  TARGET_LANGUAGES=${lang} OPENAI_API_KEY=sk-… npm start      (OpenAI; or OPENAI_BASE_URL=… for any OpenAI-compatible server)`,
      `  npm run stub:llm, then TARGET_LANGUAGES=${lang} OPENAI_BASE_URL=http://127.0.0.1:11435/v1 PRECIS_LLM_PROVIDER=openai npm start`,
      `                                          (no network, no key: its "translations" are filler, marked as a stub's)`,
      `  precis reprocess ${article.id}`,
    ].join('\n');
  }
  const done = Object.keys(article.translations ?? {});
  return [
    `${article.id} was translated into ${done.length > 0 ? done.join(', ') : 'no language'}: the languages TARGET_LANGUAGES named`,
    `when it was analysed. Add ${lang} to TARGET_LANGUAGES where the analyze function runs (TARGET_LANGUAGES=…,${lang} npm start;`,
    `a stack: cdk deploy -c targetLanguages=…,${lang}), then:`,
    `  precis reprocess --translations ${article.id}`,
  ].join('\n');
}
