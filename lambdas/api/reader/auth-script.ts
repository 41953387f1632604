/**
 * The part of the reader page's script that authorizes its calls, as the
 * stack's `auth` chose (read from the page's precis-config meta element):
 *
 * - `apiKey`: the key is asked for once and kept for the tab (sessionStorage);
 * - `cognito`: sign-in through the user pool's hosted UI, an authorization
 *   code grant with PKCE (S256) for the stack's public client; the tokens are
 *   kept for the tab, the access token refreshed with the refresh token a
 *   minute before it expires, and the code and state taken off the address;
 * - `iam`: a browser cannot sign requests with SigV4, so the page says what
 *   works instead and calls nothing.
 *
 * It defines `auth` for the rest of the script: `start()` (true when calls
 * can be made), `headers()` and `refused(status)`.
 */
export const AUTH_SCRIPT = String.raw`
'use strict';
const CONFIG = JSON.parse(document.querySelector('meta[name="precis-config"]').getAttribute('content'));

function say(node, text) { node.textContent = text; }

function base64url(bytes) {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const randomText = (bytes) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

const keyAuth = {
  key: sessionStorage.getItem('precis-key') || '',
  async start() {
    $('#key').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = $('#key-input').value.trim();
      if (!key) return;
      this.key = key;
      sessionStorage.setItem('precis-key', key);
      $('#key').hidden = true;
      loadList(false).then(route).catch((error) => say($('#key-message'), error.message));
    });
    if (this.key) return true;
    this.ask();
    return false;
  },
  async headers() { return { 'x-api-key': this.key }; },
  refused() { this.ask('That key was refused.'); return 'The API refused the key.'; },
  ask(message) {
    sessionStorage.removeItem('precis-key');
    this.key = '';
    $('#key-input').value = '';
    say($('#key-message'), message || 'The API key (x-api-key):');
    $('#key').hidden = false;
    $('#key-input').focus();
    waiting('Give the API key above to see the articles.');
  },
};

const TOKENS = 'precis-tokens';
const PENDING = 'precis-sign-in';
const cognitoAuth = {
  settings: CONFIG.cognito,
  tokens: JSON.parse(sessionStorage.getItem(TOKENS) || 'null'),
  async start() {
    $('#sign-in').addEventListener('click', () => this.signIn().catch((error) => this.signedOut(error.message)));
    $('#sign-out').addEventListener('click', () => this.signOut());
    const query = new URLSearchParams(location.search);
    try {
      if (query.has('code') || query.has('error')) await this.finish(query);
    } catch (error) {
      this.signedOut(error.message);
      return false;
    }
    if (!this.tokens) { this.signedOut(); return false; }
    this.signedIn();
    return true;
  },
  /** To the hosted UI, with a new verifier and state kept for the tab until the user comes back. */
  async signIn() {
    const verifier = randomText(48);
    const state = randomText(16);
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
    const query = new URLSearchParams({
      response_type: 'code', client_id: this.settings.clientId, redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes.join(' '), state, code_challenge_method: 'S256', code_challenge: challenge,
    });
    location.assign(this.settings.domain + '/oauth2/authorize?' + query);
  },
  /** Back from the hosted UI: the code for tokens, with the verifier only this tab holds. */
  async finish(query) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, '', location.pathname + ((pending && pending.hash) || ''));
    if (query.has('error')) {
      throw new Error('Sign-in did not succeed: ' + query.get('error') + (query.get('error_description') ? ' (' + query.get('error_description') + ')' : '') + '.');
    }
    if (!pending || query.get('state') !== pending.state) throw new Error('That sign-in was not started from this tab: sign in again.');
    await this.tokenRequest({ grant_type: 'authorization_code', code: query.get('code'), redirect_uri: this.settings.redirectUri, code_verifier: pending.verifier });
  },
  async tokenRequest(fields) {
    // A form body and no other header: a simple request, which the token endpoint answers across origins.
    const response = await fetch(this.settings.domain + '/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: this.settings.clientId, ...fields }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new Error('The user pool gave no tokens (' + (body.error || 'HTTP ' + response.status) + '): sign in again.');
    }
    this.tokens = {
      access: body.access_token,
      refresh: body.refresh_token || (this.tokens && this.tokens.refresh) || null,
      expiresAt: Date.now() + Number(body.expires_in || 3600) * 1000,
    };
    sessionStorage.setItem(TOKENS, JSON.stringify(this.tokens));
  },
  async headers() {
    if (this.tokens && this.tokens.expiresAt - 60000 < Date.now()) {
      if (!this.tokens.refresh) { this.signedOut('Your session has ended: sign in again.'); throw new Error('Signed out.'); }
      // One refresh for the calls that find the token due together: the page asks for the list and an article at once.
      this.refreshing = this.refreshing || this.tokenRequest({ grant_type: 'refresh_token', refresh_token: this.tokens.refresh })
        .finally(() => { this.refreshing = null; });
      try { await this.refreshing; }
      catch { this.signedOut('Your session has ended: sign in again.'); throw new Error('Signed out.'); }
    }
    if (!this.tokens) throw new Error('Sign in to see the articles.');
    return { authorization: 'Bearer ' + this.tokens.access };
  },
  refused(status) {
    this.signedOut(status === 401 ? 'Your session has ended: sign in again.' : 'Your account may not do that (the API refused it).');
    return 'The API refused the sign-in.';
  },
  signedIn() {
    $('#sign-in').hidden = true;
    $('#sign-out').hidden = false;
    say($('#account-message'), '');
  },
  signedOut(message) {
    this.tokens = null;
    sessionStorage.removeItem(TOKENS);
    $('#sign-in').hidden = false;
    $('#sign-out').hidden = true;
    say($('#account-message'), message || '');
    $('#account-message').className = message ? 'small error' : 'small';
    waiting('Sign in to see the articles.');
  },
  /** Forgets the tokens here, and ends the hosted UI's session too (its /logout comes back to the page). */
  signOut() {
    this.signedOut();
    const query = new URLSearchParams({ client_id: this.settings.clientId, logout_uri: this.settings.redirectUri });
    location.assign(this.settings.domain + '/logout?' + query);
  },
};

const iamAuth = {
  async start() {
    $('#aside').hidden = true;
    document.body.classList.add('no-list');
    $('#article').replaceChildren(el('div', { class: 'notice', id: 'unusable' },
      el('p', {}, 'This API is deployed with auth=iam: every request must carry a SigV4 signature made with AWS credentials, which a page in a browser cannot make.'),
      el('p', {}, 'The page needs API keys (deploy with -c auth=apiKey) or Cognito sign-in (-c auth=cognito). With IAM, use the precis command, which signs with your AWS credentials: precis list --stack NAME.')));
    return false;
  },
  async headers() { throw new Error('This page cannot sign requests.'); },
  refused() { return 'The API refused the request.'; },
};

const auth = CONFIG.auth === 'cognito' ? cognitoAuth : CONFIG.auth === 'iam' ? iamAuth : keyAuth;
`;
