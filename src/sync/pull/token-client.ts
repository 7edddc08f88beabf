import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type RetryHooks, type RetryPolicy, withRetries } from './backoff';
import type { BackendClient } from './endpoint';
import { exchangeJson, type ExchangeOptions } from './http-exchange';
import type { SigningKeyResolver } from './signing-keys';

/**
 * Access tokens at an EHR by SMART Backend Services: a client_credentials grant authenticated by a
 * private_key_jwt assertion (RS384 or ES384), kept until shortly before it expires so a run does
 * not sign in once per request.
 */

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART Backend Services: an assertion expires within five minutes. */
const ASSERTION_SECONDS = 300;
/** A token is renewed this long before it expires, so it does not expire during a request. */
const RENEW_BEFORE_MS = 30_000;

export interface TokenClientOptions {
  client: BackendClient;
  keys: SigningKeyResolver;
  retry: RetryPolicy;
  hooks: RetryHooks;
  exchange: ExchangeOptions;
  now?: () => number;
}

/** The EHR would not give a token (the client refused, or its token endpoint unavailable): no request can be made. */
export class TokenRequestError extends Error {}

export class TokenClient {
  private cached?: { token: string; renewAt: number };
  private readonly now: () => number;

  constructor(private readonly options: TokenClientOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A valid access token: the cached one, or a new one from the token endpoint. */
  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.token;
    const { retry, hooks, exchange } = this.options;
    let answer: unknown;
    try {
      answer = await withRetries(async () => exchangeJson(this.options.client.tokenUrl, await this.request(), exchange), retry, hooks);
    } catch (error) {
      if (exchange.signal?.aborted || !(error instanceof Error)) throw error;
      throw new TokenRequestError(`No access token from the EHR: ${error.message}`);
    }
    const { access_token: token, expires_in: expiresIn } = (answer ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof token !== 'string' || token === '') throw new TokenRequestError(`${this.options.client.tokenUrl}: the answer has no access_token`);
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : 300_000;
    // A short-lived token is kept for half its life, a longer one until 30 s before it expires.
    this.cached = { token, renewAt: this.now() + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_BEFORE_MS) };
    return token;
  }

  /** Forgets the cached token (the EHR refused it before its time: revoked, or its clock differs). */
  invalidate(): void {
    this.cached = undefined;
  }

  /** A token request with a fresh assertion (a new jti each attempt, as replay checks require). */
  private async request(): Promise<RequestInit> {
    const { client, keys } = this.options;
    const seconds = Math.floor(this.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: client.alg, kid: client.kid, typ: 'JWT' })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(client.tokenUrl)
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + ASSERTION_SECONDS)
      .sign(await keys(client));
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: client.scope,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    });
    return { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body };
  }
}
