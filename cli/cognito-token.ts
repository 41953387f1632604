/**
 * Access tokens for a stack deployed with `-c auth=cognito`, by the OAuth
 * client credentials grant at the user pool's token endpoint: one token per
 * process, kept on disk (a file only its owner may read) so the next command
 * reuses it, and a new one asked for before the old one expires. The client
 * secret is sent, never kept.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiCallError } from './client.js';

/** A Cognito app client with a secret, and the token endpoint of its user pool's domain. */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to ask for, space-separated; all the client's when absent. */
  scope?: string;
}

export interface TokenOptions {
  /** Milliseconds since the epoch; the system clock when absent. */
  now?: () => number;
  /** Where tokens are kept between commands; none kept when null. */
  cacheDir?: string | null;
}

interface Held {
  token: string;
  /** When the token expires, and when to ask for the next one (ms since the epoch). */
  expiresAt: number;
  renewAt: number;
}

/** A new token this long before the old one expires (5 minutes), or half its life when that is shorter. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The folder tokens are kept in: PRECIS_TOKEN_CACHE (`off` for none), else the user's cache folder. */
export function tokenCacheDir(env: Record<string, string | undefined>): string | null {
  if (env.PRECIS_TOKEN_CACHE === 'off') return null;
  if (env.PRECIS_TOKEN_CACHE) return env.PRECIS_TOKEN_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'precis');
}

export class ClientCredentialsTokens {
  private held: Held | null = null;
  private asking: Promise<Held> | null = null;
  private readonly now: () => number;
  private readonly file: string | null;

  constructor(
    private readonly credentials: ClientCredentials,
    options: TokenOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const name = createHash('sha256')
      .update([credentials.tokenUrl, credentials.clientId, credentials.scope ?? ''].join('\n'))
      .digest('hex')
      .slice(0, 24);
    this.file = options.cacheDir ? join(options.cacheDir, `token-${name}.json`) : null;
  }

  /** A token with time left: the one held, the one kept on disk, or a new one. */
  async token(): Promise<string> {
    this.held ??= this.read();
    if (this.held && this.now() < this.held.renewAt) return this.held.token;
    // Calls made at once share one request.
    this.asking ??= this.ask().finally(() => {
      this.asking = null;
    });
    this.held = await this.asking;
    this.write(this.held);
    return this.held.token;
  }

  private async ask(): Promise<Held> {
    const { tokenUrl, clientId, clientSecret, scope } = this.credentials;
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const asked = this.now();
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ApiCallError(
        'TOKEN_UNREACHABLE',
        `The token endpoint ${tokenUrl} could not be reached (${reason}).`,
        null,
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!response.ok || typeof body.access_token !== 'string') {
      const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
      const hint =
        error === 'invalid_client'
          ? ': check the client id and secret (PRECIS_CLIENT_ID, PRECIS_CLIENT_SECRET, or the stack outputs)'
          : error === 'invalid_scope'
            ? `: the client may not have the scopes "${scope}" (PRECIS_TOKEN_SCOPE)`
            : '';
      throw new ApiCallError(
        'TOKEN_REFUSED',
        `The token endpoint ${tokenUrl} refused client ${clientId} (${error})${hint}.`,
        response.status,
      );
    }
    const lifetimeMs = (Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600) * 1000;
    return {
      token: body.access_token,
      expiresAt: asked + lifetimeMs,
      renewAt: asked + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2),
    };
  }

  /** The token kept on disk, if it is this user's own file, unreadable to others, and still good. */
  private read(): Held | null {
    if (!this.file) return null;
    try {
      const stat = statSync(this.file);
      if ((stat.mode & 0o077) !== 0 || (process.getuid && stat.uid !== process.getuid())) return null;
      const held = JSON.parse(readFileSync(this.file, 'utf8')) as Held;
      if (typeof held.token !== 'string' || !(held.renewAt > this.now())) return null;
      return held;
    } catch {
      return null;
    }
  }

  /** Kept for the next command: written whole (rename), readable by its owner only. */
  private write(held: Held): void {
    if (!this.file) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
      const temporary = `${this.file}.${process.pid}`;
      writeFileSync(temporary, JSON.stringify(held), { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, this.file);
    } catch {
      // A cache that cannot be written costs a token request per command, nothing more.
    }
  }
}
