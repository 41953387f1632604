/**
 * The reader page's script, but for authorization (auth-script.ts): the
 * article list, one article (its facts, its summary and claims in each of its
 * languages, its text with each claim's evidence marked), keyboard moves in
 * the list and the claims, and uploads. Every text from the API is set as
 * text, never as markup.
 *
 * The statuses an article ends in are shared/article.ts's, given by the
 * page's caller: imported here, that module (in the api's entry) would be a
 * chunk shared with the page, one more file every cold start reads.
 */
export const prelude = (terminalStatuses: readonly string[]) => String.raw`
'use strict';
const $ = (selector) => document.querySelector(selector);
const RTL = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'ckb', 'yi', 'sd', 'ug', 'dv']);
const TERMINAL = ${JSON.stringify(terminalStatuses)};
const BASE = location.pathname.replace(/\/?$/, '/');
const narrow = matchMedia('(max-width: 49.99rem)');
const state = { status: '', cursor: null, openId: null, shown: 0 };

/** An element with attributes and children; strings become text nodes, never markup. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** What the list and the article pane say while no call can be made. */
function waiting(message) {
  $('#list').replaceChildren(el('li', { class: 'muted small' }, message));
  $('#more').hidden = true;
  $('#article').replaceChildren(el('p', { class: 'muted' }, message));
}
`;

export const MAIN = String.raw`
function direction(lang) {
  if (!lang) return 'auto';
  try {
    const info = new Intl.Locale(lang).getTextInfo?.() ?? new Intl.Locale(lang).textInfo;
    if (info && info.direction) return info.direction;
  } catch {}
  return RTL.has(lang.split('-')[0]) ? 'rtl' : 'ltr';
}

async function api(path, options) {
  // The API's paths under the page's own: in AWS the page is the stage's root (/v1/), locally the server's (/).
  const response = await fetch(BASE + path.replace(/^\//, ''), {
    ...(options || {}),
    headers: { ...(await auth.headers()), 'content-type': 'application/json', ...((options && options.headers) || {}) },
  });
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (response.status === 401 || response.status === 403) throw new Error(auth.refused(response.status));
  if (!response.ok) { const error = new Error((body && body.detail) || 'HTTP ' + response.status); error.status = response.status; error.code = body && body.code; throw error; }
  return body;
}

function statusBadge(status) { return el('span', { class: 'status s-' + status, 'data-status': status }, status); }

/** A title, else the uploaded file's name: an upload's key is uploads/<day>/<12 hex digits>-<name>. */
function nameOf(item) {
  if (item.title) return item.title;
  const file = item.sourceKey.split('/').pop() || item.sourceKey;
  return /(^|\/)uploads\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{12}-[^/]+$/.test(item.sourceKey) ? file.slice(13) : file;
}

/** The date a row shows, saying which: when it was published if the article says, else when it came in. */
function dated(item) {
  const [label, value] = item.publishedAt ? ['published', item.publishedAt] : ['received', item.receivedAt];
  return el('time', { datetime: value, title: label + ' ' + value, 'data-date': label }, label + ' ' + value.slice(0, 10));
}

function markCurrent() {
  for (const link of document.querySelectorAll('#list a')) {
    if (link.closest('li').dataset.id === state.openId) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function fold(folded) {
  $('#aside').classList.toggle('folded', folded);
  $('#list-toggle').setAttribute('aria-expanded', String(!folded));
  $('#list-toggle').textContent = folded ? 'Show the articles' : 'Hide the articles';
}

async function loadList(more) {
  const query = new URLSearchParams({ limit: '25' });
  if (state.status) query.set('status', state.status);
  if (more && state.cursor) query.set('cursor', state.cursor);
  const page = await api('/articles?' + query);
  const list = $('#list');
  if (!more) list.replaceChildren();
  for (const item of page.items) {
    list.append(el('li', { 'data-id': item.id },
      el('a', { href: '#/articles/' + item.id },
        el('span', { class: 'name', dir: 'auto', lang: item.title ? item.language : null, title: item.sourceKey }, nameOf(item)),
        el('div', { class: 'small muted' }, statusBadge(item.status), ' ', item.language || '–', ' · ', dated(item),
          item.error ? [' · ', el('span', { class: 'error' }, item.error.code)] : null))));
  }
  if (list.children.length === 0) list.append(el('li', { class: 'muted small' }, 'No articles yet: drop one above.'));
  state.cursor = page.nextCursor;
  $('#more').hidden = !page.nextCursor;
  markCurrent();
}

/** Arrow keys, Home and End move the focus among the links (or buttons) of a list. */
function arrowKeys(list, selector) {
  list.addEventListener('keydown', (event) => {
    const items = [...list.querySelectorAll(selector)];
    const at = items.indexOf(document.activeElement);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
    if (at < 0 || to === undefined || !items[to]) return;
    event.preventDefault();
    items[to].focus();
  });
}

/** The nearest pane that scrolls, or null for the window. */
function scroller(node) {
  for (let box = node.parentElement; box; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && box.scrollHeight > box.clientHeight) return box;
  }
  return null;
}

/** Brings a node to the middle of the pane it scrolls in, moving no other pane. */
function reveal(node) {
  const box = scroller(node);
  const at = node.getBoundingClientRect();
  if (!box) { window.scrollBy(0, at.top - (innerHeight - Math.min(at.height, innerHeight)) / 2); return; }
  const frame = box.getBoundingClientRect();
  box.scrollTop += at.top - frame.top - (box.clientHeight - Math.min(at.height, box.clientHeight)) / 2;
}

const STAND_IN_COST = 'nothing billed (the stand-in LLM answered)';

function cost(article) {
  const stages = Object.values(article.usage || {});
  if (stages.length === 0) return 'nothing billed';
  if (stages.some((s) => s.costUsd === null)) return 'unknown (no price for the model)';
  const usd = stages.reduce((sum, s) => sum + s.costUsd, 0);
  // The stand-in's answers cost nothing: said so, rather than as a price of $0.
  if (usd === 0 && article.provenance && article.provenance.stub) return STAND_IN_COST;
  return '$' + usd.toFixed(4);
}

function facts(article) {
  const p = article.provenance || {};
  const rows = [
    ['Status', statusBadge(article.status)],
    ['Site', article.site], ['By', article.byline], ['Published', article.publishedAt], ['Received', article.receivedAt],
    ['Language', article.language], ['Words', article.wordCount],
    ['Engine', p.engine ? p.engine + (p.model ? ' (' + p.model + ')' : '') + (p.stub ? ' on the stub LLM' : '') : null],
    ['Cost', cost(article)], ['Prompt', p.promptVersion], ['Cleaner', p.cleanerVersion],
    ['Fallback', p.fallback ? p.fallback.code + ': ' + p.fallback.message : null],
    ['Error', article.error ? article.error.code + ': ' + article.error.message : null],
    ['Upload', article.sourceKey],
  ];
  return el('dl', { class: 'facts' }, rows.filter((r) => r[1] !== null && r[1] !== undefined)
    .flatMap(([name, value]) => [el('dt', {}, name), el('dd', { 'data-fact': name }, value)]));
}

/** Said over a translation that precis's stand-in LLM wrote: filler words in the language's script. */
const STUB_NOTE = 'stub translation: not a real translation';

/** Said over an analysis a reprocess under way is replacing: the API serves the previous run's until the new one ends. */
function previousNote(previous) {
  return el('p', { id: 'previous-note', class: 'notice', lang: 'en', dir: 'ltr' }, el('strong', {}, "The previous run's summary and claims"),
    ': the article is being reprocessed (asked for ' + previous.reprocessRequestedAt.slice(0, 16).replace('T', ' ') +
    ' UTC) and is ' + previous.status + '; its new analysis replaces this one when the run ends.');
}

function renderSummary(view, lang, stub, previous) {
  const box = $('#summary');
  box.setAttribute('lang', lang || '');
  box.setAttribute('dir', direction(lang));
  if (view.status && view.status !== 'done') {
    box.replaceChildren(el('p', { class: 'muted' }, 'No summary in ' + lang + ': ' + view.reason));
    return;
  }
  box.replaceChildren(
    ...(previous ? [previousNote(previous)] : []),
    ...(stub ? [el('p', { id: 'stub-note', class: 'notice', lang: 'en', dir: 'ltr' }, el('strong', {}, STUB_NOTE),
      ': the stand-in LLM (npm run stub:llm) writes filler words in the script of the language, figures kept.')] : []),
    el('h3', { id: 'headline' }, view.headline), el('p', { id: 'short' }, view.short),
    el('ul', { id: 'bullets' }, view.bullets.map((b) => el('li', {}, b))));
}

/** The claims, in the language shown when its translation has them (the evidence stays the article's own). */
function renderClaims(claims, view, lang) {
  const translated = new Map(((view && view.status === 'done' && view.claims) || []).map((c) => [c.id, c]));
  $('#claims').replaceChildren(...claims.map((c) => {
    const t = translated.get(c.id);
    const speaker = t && t.speaker ? t.speaker : c.speaker;
    return el('li', { 'data-claim': c.id },
      el('button', { type: 'button', class: 'claim', onclick: () => select(c.id, 'claim') },
        el('span', { class: 'claim-text', lang: t ? lang : null, dir: t ? direction(lang) : 'auto' }, t ? t.text : c.text),
        el('span', { class: 'small muted meta' }, c.kind, ' · check-worthiness ', c.checkworthiness.toFixed(2),
          speaker ? ' · ' : null, speaker ? el('span', { dir: 'auto' }, speaker) : null,
          el('span', { class: 'flag', 'data-flag': c.grounded ? 'grounded' : 'ungrounded' }, c.grounded ? '✓ evidence found' : '✗ evidence not found'),
          c.unsupported && c.unsupported.length ? el('span', { class: 'flag error' }, 'unsupported: ' + c.unsupported.join(', ')) : null)));
  }));
}

async function showLanguage(article, lang) {
  const shown = state.shown;
  for (const button of document.querySelectorAll('.langs button')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  const claims = article.claims || [];
  if (!article.summary) {
    $('#summary').replaceChildren(el('p', { class: article.previousError ? 'error' : 'muted' },
      article.previousError || article.noAnalysis || 'No summary: the article is ' + article.status + '.'));
    renderClaims(claims, null, lang);
    return;
  }
  if (!lang || lang === article.language) {
    renderSummary(article.summary, article.language, false, article.previous);
    renderClaims(claims, null, lang);
    return;
  }
  let view;
  try { view = await api('/articles/' + article.id + '/summary?lang=' + encodeURIComponent(lang)); }
  catch (error) { if (shown === state.shown) $('#summary').replaceChildren(el('p', { class: 'error' }, error.message)); return; }
  if (shown !== state.shown) return; // another article or language was asked for meanwhile
  renderSummary(view, lang, Boolean(article.provenance && article.provenance.stub));
  renderClaims(claims, view, lang);
}

/**
 * While a reprocess runs, the record has no analysis of its own: the API
 * answers the previous run's summary and claims (kept under history/),
 * marked "previous", which the article then shows as such. The article as
 * it is when there are none (a 409: the copy is past its retention or
 * unreadable), with the API's sentence saying so, or with the reason when
 * they could not be read at all.
 */
async function withPreviousRun(article) {
  const base = '/articles/' + encodeURIComponent(article.id);
  try {
    const [view, claims] = await Promise.all([api(base + '/summary'), api(base + '/claims')]);
    const summary = { headline: view.headline, short: view.short, bullets: view.bullets };
    return { ...article, summary, claims: claims.claims, previous: view.previous || null };
  } catch (error) {
    // A 409 says why there is none (the copy past its retention, or unreadable): shown in place of the summary.
    return error.status === 409 ? { ...article, noAnalysis: error.message } : { ...article, previousError: error.message };
  }
}

/** The text with each grounded claim's evidence marked at its offsets (UTF-16, as the API counts). */
function renderText(text, claims) {
  const spans = claims.filter((c) => c.start !== null && c.end !== null).sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const claim of spans) {
    if (claim.start < at) continue; // overlapping evidence: the first keeps its mark
    parts.push(text.slice(at, claim.start));
    parts.push(el('mark', { 'data-claim': claim.id, title: claim.text, onclick: () => select(claim.id, 'mark') }, text.slice(claim.start, claim.end)));
    at = claim.end;
  }
  parts.push(text.slice(at));
  // The pane may have been replaced (another view opened) while the text was on its way.
  $('#text')?.replaceChildren(...parts);
}

/** Marks a claim and its evidence, and brings the other one into view. */
function select(claimId, from) {
  for (const node of document.querySelectorAll('mark.on, ol#claims li.on')) node.classList.remove('on');
  const mark = document.querySelector('mark[data-claim="' + CSS.escape(claimId) + '"]');
  const item = document.querySelector('ol#claims li[data-claim="' + CSS.escape(claimId) + '"]');
  if (item) item.classList.add('on');
  if (mark) mark.classList.add('on');
  if (from === 'claim' && mark) reveal(mark);
  if (from === 'mark' && item) { reveal(item); item.querySelector('button').focus({ preventScroll: true }); }
}

/** The article's top in view: the pane back at its start (and the window, in one column). */
function toTop() {
  $('#article').scrollTop = 0;
  window.scrollTo(0, 0);
}

async function showArticle(id) {
  const shown = ++state.shown;
  state.openId = id;
  markCurrent();
  const hidesFocus = narrow.matches && $('#aside').contains(document.activeElement);
  if (narrow.matches) fold(true);
  const section = $('#article');
  section.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  toTop();
  let article;
  try { article = await api('/articles/' + encodeURIComponent(id)); }
  catch (error) { if (shown === state.shown) section.replaceChildren(el('p', { class: 'error' }, error.message)); return; }
  if (shown !== state.shown) return;
  if (!article.summary && article.reprocess && article.reprocess.previousKey && !TERMINAL.includes(article.status)) {
    article = await withPreviousRun(article);
    if (shown !== state.shown) return;
  }
  const langs = [article.language, ...Object.keys(article.translations || {})].filter(Boolean);
  const claims = article.claims || [];
  section.replaceChildren(
    el('h2', { id: 'title', dir: 'auto', lang: article.language, tabindex: '-1' }, nameOf(article)),
    facts(article),
    el('div', { class: 'langs', role: 'group', 'aria-label': 'Summary language' },
      langs.map((lang) => el('button', { type: 'button', 'data-lang': lang, onclick: () => showLanguage(article, lang) },
        lang + (lang === article.language ? ' (original)' : '') + (article.translations && article.translations[lang] && article.translations[lang].status !== 'done' ? ' ✗' : '')))),
    el('div', { id: 'summary' }),
    el('div', { class: 'body' },
      el('section', { class: 'claims-pane', 'aria-labelledby': 'claims-heading' },
        el('h3', { id: 'claims-heading' }, 'Claims (' + claims.length + ')' + (article.previous ? ", the previous run's" : '')),
        claims.length ? el('p', { class: 'small muted' }, 'Choose a claim (↑ ↓ to move, Enter) to find its evidence in the text.') : null,
        el('ol', { id: 'claims' })),
      el('section', { class: 'text-pane', 'aria-labelledby': 'text-heading' },
        el('h3', { id: 'text-heading' }, 'Text'),
        el('div', { id: 'text', dir: 'auto', lang: article.language }, article.textKey ? 'Loading…' : 'No cleaned text.'))),
  );
  arrowKeys($('#claims'), 'button.claim');
  toTop();
  if (hidesFocus || document.activeElement === document.body) $('#title').focus({ preventScroll: true });
  await showLanguage(article, article.language);
  if (!article.textKey || shown !== state.shown) return;
  let text;
  try { text = await api('/articles/' + article.id + '/text'); }
  catch (error) { if (shown === state.shown) $('#text').replaceChildren(el('span', { class: 'error' }, error.message)); return; }
  if (shown === state.shown) renderText(text, claims);
}
`;
