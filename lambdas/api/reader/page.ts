/**
 * The reader page the API serves at GET /: the articles, one article's
 * summary (in each of its languages), claims and evidence, and uploads by
 * drag and drop. One HTML document, no framework: the script builds the page
 * with DOM calls and sets every text from the API as text, never as markup.
 * The key is asked for once and kept for the tab (sessionStorage).
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #5f6368; --line: #d9d9de; --bg: #fff; --accent: #0b57d0;
  --mark: #fff1a8; --mark-on: #ffd54f; --ok: #137333; --warn: #b06000; --bad: #c5221f; font-family: system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8ea; --muted: #a0a3a8; --line: #3a3b3f; --bg: #151517;
  --accent: #8ab4f8; --mark: #5c4d00; --mark-on: #8a6d00; --ok: #81c995; --warn: #fdd663; --bad: #f28b82; } }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5; }
header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; } header h1 a { color: inherit; text-decoration: none; }
main { display: grid; grid-template-columns: minmax(18rem, 26rem) 1fr; min-height: calc(100vh - 3.5rem); }
aside { border-right: 1px solid var(--line); padding: 1rem; overflow: auto; } section#article { padding: 1rem 1.5rem; overflow: auto; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
#drop { border: 2px dashed var(--line); border-radius: .5rem; padding: .75rem; text-align: center; margin-bottom: 1rem; }
#drop.over { border-color: var(--accent); } progress { width: 100%; }
ul#list { list-style: none; padding: 0; margin: 0; } ul#list li { border-bottom: 1px solid var(--line); }
ul#list a { display: block; padding: .5rem .25rem; color: inherit; text-decoration: none; } ul#list a:hover { background: color-mix(in srgb, var(--accent) 8%, transparent); }
.status { font-size: .75rem; font-weight: 600; padding: 0 .35rem; border-radius: .25rem; border: 1px solid currentColor; }
.s-DONE { color: var(--ok); } .s-PARTIAL { color: var(--warn); } .s-FAILED { color: var(--bad); }
.langs button { margin-right: .25rem; } .langs button[aria-pressed="true"] { font-weight: 700; }
ol#claims { padding-left: 1.25rem; } ol#claims li { margin-bottom: .6rem; cursor: pointer; } ol#claims li.on { background: var(--mark); }
.flag { font-size: .75rem; margin-left: .4rem; }
#text { white-space: pre-wrap; border-top: 1px solid var(--line); padding-top: 1rem; }
mark { background: var(--mark); color: inherit; } mark.on { background: var(--mark-on); outline: 2px solid var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; font-size: .85rem; }
dl.facts dt { color: var(--muted); } .error { color: var(--bad); }
form#key { display: flex; gap: .5rem; margin-left: auto; } form#key[hidden] { display: none; }
`;

const SCRIPT = String.raw`
'use strict';
const $ = (selector) => document.querySelector(selector);
const RTL = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'ckb', 'yi', 'sd', 'ug', 'dv']);
const TERMINAL = ['DONE', 'PARTIAL', 'FAILED'];
const BASE = location.pathname.replace(/\/?$/, '/');
const state = { key: sessionStorage.getItem('precis-key') || '', status: '', cursor: null, article: null, text: null };

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
    headers: { 'x-api-key': state.key, 'content-type': 'application/json', ...((options && options.headers) || {}) },
  });
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (response.status === 403) { askForKey('That key was refused.'); throw new Error('The API refused the key.'); }
  if (!response.ok) { const error = new Error((body && body.detail) || 'HTTP ' + response.status); error.status = response.status; error.code = body && body.code; throw error; }
  return body;
}

function askForKey(message) {
  sessionStorage.removeItem('precis-key');
  state.key = '';
  $('#key-input').value = '';
  $('#key-message').textContent = message || 'The API key (x-api-key):';
  $('#key').hidden = false;
  $('#key-input').focus();
}

function statusBadge(status) { return el('span', { class: 'status s-' + status, 'data-status': status }, status); }

async function loadList(more) {
  if (!state.key) return askForKey();
  const query = new URLSearchParams({ limit: '25' });
  if (state.status) query.set('status', state.status);
  if (more && state.cursor) query.set('cursor', state.cursor);
  const page = await api('/articles?' + query);
  const list = $('#list');
  if (!more) list.replaceChildren();
  for (const item of page.items) {
    list.append(el('li', { 'data-id': item.id },
      el('a', { href: '#/articles/' + item.id },
        el('div', { dir: 'auto', lang: item.language || null }, item.title || item.sourceKey),
        el('div', { class: 'small muted' }, statusBadge(item.status), ' ', item.language || '–', ' · ',
          (item.publishedAt || item.receivedAt).slice(0, 10)))));
  }
  if (list.children.length === 0) list.append(el('li', { class: 'muted small' }, 'No articles yet: drop one above.'));
  state.cursor = page.nextCursor;
  $('#more').hidden = !page.nextCursor;
}

function cost(article) {
  const stages = Object.values(article.usage || {});
  if (stages.length === 0) return 'nothing billed';
  if (stages.some((s) => s.costUsd === null)) return 'unknown (no price for the model)';
  return '$' + stages.reduce((sum, s) => sum + s.costUsd, 0).toFixed(4);
}

function facts(article) {
  const p = article.provenance || {};
  const rows = [
    ['Status', statusBadge(article.status)],
    ['Site', article.site], ['By', article.byline], ['Published', article.publishedAt], ['Language', article.language],
    ['Words', article.wordCount], ['Engine', p.engine ? p.engine + (p.model ? ' (' + p.model + ')' : '') : null],
    ['Cost', cost(article)], ['Prompt', p.promptVersion], ['Cleaner', p.cleanerVersion],
    ['Fallback', p.fallback ? p.fallback.code + ': ' + p.fallback.message : null],
    ['Error', article.error ? article.error.code + ': ' + article.error.message : null],
    ['Upload', article.sourceKey],
  ];
  return el('dl', { class: 'facts' }, rows.filter((r) => r[1] !== null && r[1] !== undefined)
    .flatMap(([name, value]) => [el('dt', {}, name), el('dd', { 'data-fact': name }, value)]));
}

function renderSummary(view, lang) {
  const box = $('#summary');
  box.setAttribute('lang', lang || '');
  box.setAttribute('dir', direction(lang));
  if (view.status && view.status !== 'done') {
    box.replaceChildren(el('p', { class: 'muted' }, 'No summary in ' + lang + ': ' + view.reason));
    return;
  }
  box.replaceChildren(el('h3', { id: 'headline' }, view.headline), el('p', { id: 'short' }, view.short),
    el('ul', { id: 'bullets' }, view.bullets.map((b) => el('li', {}, b))));
}

async function showSummary(article, lang) {
  for (const button of document.querySelectorAll('.langs button')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  if (!article.summary) { $('#summary').replaceChildren(el('p', { class: 'muted' }, 'No summary: the article is ' + article.status + '.')); return; }
  if (!lang || lang === article.language) return renderSummary(article.summary, article.language);
  try { renderSummary(await api('/articles/' + article.id + '/summary?lang=' + encodeURIComponent(lang)), lang); }
  catch (error) { $('#summary').replaceChildren(el('p', { class: 'error' }, error.message)); }
}

/** The cleaned text with each grounded claim's evidence marked at its offsets (UTF-16, as the API counts). */
function renderText(text, claims) {
  const spans = claims.filter((c) => c.start !== null && c.end !== null).sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const claim of spans) {
    if (claim.start < at) continue; // overlapping evidence: the first keeps its mark
    parts.push(text.slice(at, claim.start));
    parts.push(el('mark', { 'data-claim': claim.id, title: claim.text }, text.slice(claim.start, claim.end)));
    at = claim.end;
  }
  parts.push(text.slice(at));
  $('#text').replaceChildren(...parts);
}

function select(claimId) {
  for (const node of document.querySelectorAll('mark.on, ol#claims li.on')) node.classList.remove('on');
  const mark = document.querySelector('mark[data-claim="' + CSS.escape(claimId) + '"]');
  const item = document.querySelector('ol#claims li[data-claim="' + CSS.escape(claimId) + '"]');
  if (item) item.classList.add('on');
  if (mark) { mark.classList.add('on'); mark.scrollIntoView({ block: 'center' }); }
}

async function showArticle(id) {
  const section = $('#article');
  section.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  let article;
  try { article = await api('/articles/' + encodeURIComponent(id)); }
  catch (error) { section.replaceChildren(el('p', { class: 'error' }, error.message)); return; }
  state.article = article;
  const langs = [article.language, ...Object.keys(article.translations || {})].filter(Boolean);
  const claims = article.claims || [];
  section.replaceChildren(
    el('h2', { id: 'title', dir: 'auto', lang: article.language }, article.title || article.sourceKey),
    facts(article),
    el('div', { class: 'langs', role: 'group', 'aria-label': 'Summary language' },
      langs.map((lang) => el('button', { type: 'button', 'data-lang': lang, onclick: () => showSummary(article, lang) },
        lang + (lang === article.language ? ' (original)' : '') + (article.translations && article.translations[lang] && article.translations[lang].status !== 'done' ? ' ✗' : '')))),
    el('div', { id: 'summary' }),
    el('h3', {}, 'Claims (' + claims.length + ')'),
    el('ol', { id: 'claims' }, claims.map((c) => el('li', { 'data-claim': c.id, onclick: () => select(c.id) },
      el('span', { dir: 'auto' }, c.text),
      el('div', { class: 'small muted' }, c.kind, ' · check-worthiness ', c.checkworthiness.toFixed(2),
        c.speaker ? ' · ' : null, c.speaker ? el('span', { dir: 'auto' }, c.speaker) : null,
        el('span', { class: 'flag', 'data-flag': c.grounded ? 'grounded' : 'ungrounded' }, c.grounded ? '✓ evidence found' : '✗ evidence not found'),
        c.unsupported && c.unsupported.length ? el('span', { class: 'flag error' }, 'unsupported: ' + c.unsupported.join(', ')) : null)))),
    el('h3', {}, 'Text'),
    el('div', { id: 'text', dir: 'auto', lang: article.language }, article.textKey ? 'Loading…' : 'No cleaned text.'),
  );
  await showSummary(article, article.language);
  if (article.textKey) {
    try { renderText(await api('/articles/' + article.id + '/text'), claims); }
    catch (error) { $('#text').replaceChildren(el('span', { class: 'error' }, error.message)); }
  }
}

const TYPES = { html: 'text/html', htm: 'text/html', txt: 'text/plain', md: 'text/markdown', markdown: 'text/markdown', json: 'application/json' };

function put(url, headers, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => (request.status < 300 ? resolve() : reject(new Error('The bucket refused the upload (HTTP ' + request.status + ').')));
    request.onerror = () => reject(new Error('The upload could not be sent.'));
    request.send(file);
  });
}

async function upload(file) {
  if (!state.key) return askForKey();
  const row = el('div', { class: 'small', 'data-upload': file.name }, el('div', {}, file.name, ' ', el('span', { class: 'muted', 'data-phase': '' }, 'uploading')), el('progress', { max: 1, value: 0 }));
  $('#uploads').prepend(row);
  const phase = row.querySelector('[data-phase]');
  const bar = row.querySelector('progress');
  try {
    const ext = (file.name.split('.').pop() || '').toLowerCase();
    const ticket = await api('/articles', { method: 'POST', body: JSON.stringify({ filename: file.name, contentType: TYPES[ext] || file.type || 'application/octet-stream', size: file.size }) });
    await put(ticket.upload.url, ticket.upload.headers, file, (share) => { bar.value = share; });
    bar.removeAttribute('value');
    for (let tries = 0; tries < 600; tries++) {
      let article = null;
      try { article = await api('/articles/' + ticket.id); } catch (error) { if (error.status !== 404) throw error; }
      phase.textContent = article ? article.status : 'waiting for the cleaner';
      if (article && TERMINAL.includes(article.status)) {
        bar.value = 1;
        phase.replaceChildren(statusBadge(article.status), ' ', el('a', { href: '#/articles/' + ticket.id }, 'open'));
        await loadList(false);
        location.hash = '#/articles/' + ticket.id;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    phase.textContent = 'still working: see the list later';
  } catch (error) {
    phase.replaceChildren(el('span', { class: 'error' }, error.message));
  }
}

function route() {
  const match = /^#\/articles\/([a-f0-9]{24})$/.exec(location.hash);
  if (match) showArticle(match[1]);
  else $('#article').replaceChildren(el('p', { class: 'muted' }, 'Pick an article, or drop one on the left.'));
}

$('#key').addEventListener('submit', (event) => {
  event.preventDefault();
  state.key = $('#key-input').value.trim();
  if (!state.key) return;
  sessionStorage.setItem('precis-key', state.key);
  $('#key').hidden = true;
  loadList(false).then(route).catch((error) => { $('#key-message').textContent = error.message; });
});
$('#status').addEventListener('change', (event) => { state.status = event.target.value; loadList(false).catch(() => {}); });
$('#more').addEventListener('click', () => loadList(true).catch(() => {}));
const drop = $('#drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => { event.preventDefault(); drop.classList.remove('over'); for (const file of event.dataTransfer.files) upload(file); });
$('#file').addEventListener('change', (event) => { for (const file of event.target.files) upload(file); event.target.value = ''; });
window.addEventListener('hashchange', route);
if (state.key) { $('#key').hidden = true; loadList(false).then(route).catch(() => {}); } else askForKey();
`;

const BODY = `
<header>
  <h1><a href="#/">precis</a></h1>
  <span class="muted small">summaries, translations and checkable claims</span>
  <form id="key" hidden><label><span id="key-message">The API key (x-api-key):</span>
    <input id="key-input" type="password" autocomplete="off" required></label><button>Use key</button></form>
</header>
<main>
  <aside>
    <div id="drop"><p>Drop articles here (.html, .txt, .md, .json)</p>
      <label>or choose files <input id="file" type="file" multiple accept=".html,.htm,.txt,.md,.markdown,.json"></label></div>
    <div id="uploads"></div>
    <label class="small">Status <select id="status"><option value="">all</option><option>DONE</option><option>PARTIAL</option>
      <option>FAILED</option><option>ANALYZING</option><option>CLEANED</option><option>RECEIVED</option></select></label>
    <ul id="list"></ul>
    <button id="more" type="button" hidden>More</button>
  </aside>
  <section id="article" aria-live="polite"></section>
</main>`;

const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
const styleHash = createHash('sha256').update(STYLE).digest('base64');

/** The page, and the headers that keep it to its own script and style (the uploads go to the bucket, elsewhere). */
export const READER_PAGE = {
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>precis</title><style>${STYLE}</style></head><body>${BODY}<script>${SCRIPT}</script></body></html>\n`,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'sha256-${scriptHash}'`,
      `style-src 'sha256-${styleHash}'`,
      // The API itself, and the bucket's presigned URLs (S3 in AWS, the emulator locally).
      "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
      "img-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  },
};
