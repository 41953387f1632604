/**
 * The reader page the API serves at GET /: the articles, one article's
 * summary and claims (in each of its languages) and evidence, and uploads by
 * drag and drop. One HTML document, no framework: the script builds the page
 * with DOM calls and sets every text from the API as text, never as markup.
 * How it authorizes its calls (an API key, Cognito sign-in, or not at all
 * with IAM) is the stack's choice, given to the script in a meta element.
 */
import { createHash } from 'node:crypto';
import { AUTH_SCRIPT } from './auth-script.js';
import { MAIN, prelude } from './script.js';
import { START } from './start-script.js';
import { STYLE } from './style.js';

/** How the API authorizes callers, as the stack's `auth` chose, and what the page needs for it. */
export type ReaderConfig =
  | { auth: 'apiKey' | 'iam' }
  | {
      auth: 'cognito';
      cognito: {
        /** The user pool domain's base URL: its /oauth2/authorize, /oauth2/token and /logout. */
        domain: string;
        /** The public app client the stack made for the page (no secret: PKCE instead). */
        clientId: string;
        /** The page's own URL, registered as the client's callback and sign-out URL. */
        redirectUri: string;
        scopes: string[];
      };
    };

const BODY = `
<header>
  <h1><a href="#/">precis</a></h1>
  <span id="tagline" class="muted small">summaries, translations and checkable claims</span>
  <div id="account">
    <form id="key" hidden><label><span id="key-message">The API key (x-api-key):</span>
      <input id="key-input" type="password" autocomplete="off" required></label><button>Use key</button></form>
    <span id="account-message" class="small" role="status"></span>
    <button id="sign-in" type="button" hidden>Sign in</button>
    <button id="sign-out" type="button" hidden>Sign out</button>
  </div>
</header>
<main>
  <aside id="aside" aria-label="Articles">
    <button id="list-toggle" type="button" aria-expanded="true" aria-controls="list-body">Hide the articles</button>
    <div id="list-body">
      <div id="drop"><p>Drop articles here (.html, .txt, .md, .json)</p>
        <label>or choose files <input id="file" type="file" multiple accept=".html,.htm,.txt,.md,.markdown,.json"></label></div>
      <div id="uploads"></div>
      <label class="small">Status <select id="status"><option value="">all</option><option>DONE</option><option>PARTIAL</option>
        <option>FAILED</option><option>ANALYZING</option><option>CLEANED</option><option>RECEIVED</option></select></label>
      <ul id="list" aria-label="Articles, newest first (↑ ↓ to move)"></ul>
      <button id="more" type="button" hidden>More</button>
    </div>
  </aside>
  <section id="article" aria-live="polite" aria-label="Article"></section>
</main>`;

/**
 * The page's icon, inline: without one a browser asks for /favicon.ico,
 * which the API does not serve (403 without a key, or 404), and logs it as
 * an error on every load.
 */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4e79"/>' +
    '<text x="16" y="23" font-family="sans-serif" font-size="20" font-weight="bold" fill="#fff" text-anchor="middle">p</text></svg>',
)}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');
const styleHash = sha256(STYLE);

/** A value inside a double-quoted attribute. */
const attribute = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The page for one configuration, and the headers that keep it to its own
 * script and style: it may call the API, the bucket's presigned URLs (the
 * uploads) and, with Cognito, the user pool's token endpoint; nothing else.
 * `terminalStatuses` are the statuses an article ends in (shared/article.ts's
 * TERMINAL_STATUSES, given by the caller rather than imported: see script.ts).
 */
export function readerPage(
  config: ReaderConfig,
  terminalStatuses: readonly string[],
): { body: string; headers: Record<string, string> } {
  const script = prelude(terminalStatuses) + AUTH_SCRIPT + MAIN + START;
  const signIn = config.auth === 'cognito' ? ` ${new URL(config.cognito.domain).origin}` : '';
  return {
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="precis-config" content="${attribute(JSON.stringify(config))}">
<link rel="icon" href="${ICON}">
<title>precis</title><style>${STYLE}</style></head><body>${BODY}<script>${script}</script></body></html>\n`,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': [
        "default-src 'none'",
        `script-src 'sha256-${sha256(script)}'`,
        `style-src 'sha256-${styleHash}'`,
        // The API itself, the bucket's presigned URLs (S3 in AWS, the emulator locally), the token endpoint.
        `connect-src 'self' https: http://127.0.0.1:* http://localhost:*${signIn}`,
        // The page's icon is inline, a data: URL.
        "img-src 'self' data:",
        "base-uri 'none'",
        // Sign-in leaves the page by navigation (location.assign), never by a form.
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    },
  };
}
