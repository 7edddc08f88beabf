import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthStore, RegisteredClient } from '../../store/auth-store';
import type { PlainRequest, PlainResponse, PlainRoute } from '../plain-http';
import { formatScopes, narrowScopes, parseScopes } from '../scopes';
import type { IssuedToken } from './access-tokens';
import { InvalidClientError, unverifiedClientId, verifyClientAssertion, type ClientKeySets } from './client-assertion';

/**
 * POST /auth/token: the client_credentials grant of SMART Backend Services. The client authenticates
 * with a signed assertion (client-assertion.ts) and is granted the requested scopes its registration
 * allows. Errors follow RFC 6749 section 5.2.
 */
export const TOKEN_PATH = '/auth/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FORM = 'application/x-www-form-urlencoded';
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export interface TokenEndpointSettings {
  store: AuthStore;
  keySets: ClientKeySets;
  tokenUrl: string;
  requestsPerMinute: number;
  issue(client: RegisteredClient, scope: string): Promise<IssuedToken>;
  logger: Logger;
  clock?: () => Date;
}

type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';
const STATUS: Record<OAuthError, number> = { invalid_request: 400, invalid_client: 401, unsupported_grant_type: 400, invalid_scope: 400 };

class TokenRequestError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly description: string,
  ) {
    super(description);
  }
}

export function createTokenRoute(settings: TokenEndpointSettings): PlainRoute {
  const limiter = new RateLimiterMemory({ points: settings.requestsPerMinute, duration: 60 });
  return {
    method: 'POST',
    path: TOKEN_PATH,
    access: 'public',
    activity: 'token',
    async handle(request) {
      const form = isForm(request) ? new URLSearchParams(request.body) : undefined;
      const retryAfter = await overLimit(limiter, rateKey(form, request));
      if (retryAfter !== undefined) {
        return { status: 429, headers: { ...NO_STORE, 'Retry-After': String(retryAfter) }, body: oauthError('invalid_request', 'too many token requests') };
      }
      try {
        return await grant(form, settings);
      } catch (error) {
        if (error instanceof InvalidClientError) {
          settings.logger.info({ reason: error.reason, address: request.address }, 'token request refused: invalid_client');
          return errorResponse(new TokenRequestError('invalid_client', error.description));
        }
        if (error instanceof TokenRequestError) return errorResponse(error);
        throw error;
      }
    },
  };
}

async function grant(form: URLSearchParams | undefined, settings: TokenEndpointSettings): Promise<PlainResponse> {
  const params = tokenParams(form);
  const { scopes: requested } = parseScopes(params.scope);
  if (requested.length === 0) throw new TokenRequestError('invalid_scope', 'no requested scope can be granted');
  const client = await verifyClientAssertion(params.assertion, settings);
  // Only an authenticated client learns which scopes its registration allows.
  const granted = narrowScopes(requested, parseScopes(client.scope).scopes);
  if (granted.length === 0) throw new TokenRequestError('invalid_scope', 'no requested scope can be granted');
  const scope = formatScopes(granted);
  const issued = await settings.issue(client, scope);
  settings.logger.info({ clientId: client.id, scope }, 'access token issued');
  return {
    status: 200,
    headers: NO_STORE,
    body: { access_token: issued.accessToken, token_type: 'bearer', expires_in: issued.expiresIn, scope },
  };
}

/** The form's parameters, each present once (RFC 6749 section 3.2). */
function tokenParams(form: URLSearchParams | undefined): { assertion: string; scope: string } {
  if (!form) throw new TokenRequestError('invalid_request', `the body must be ${FORM}`);
  const keys = [...form.keys()];
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  if (repeated) throw new TokenRequestError('invalid_request', `${repeated} is repeated`);
  const grantType = form.get('grant_type');
  if (!grantType) throw new TokenRequestError('invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') throw new TokenRequestError('unsupported_grant_type', 'grant_type must be client_credentials');
  if (form.get('client_assertion_type') !== JWT_BEARER) {
    throw new TokenRequestError('invalid_request', `client_assertion_type must be ${JWT_BEARER}`);
  }
  const assertion = form.get('client_assertion');
  if (!assertion) throw new TokenRequestError('invalid_request', 'client_assertion is required');
  const scope = form.get('scope');
  if (!scope) throw new TokenRequestError('invalid_request', 'scope is required');
  return { assertion, scope };
}

function isForm(request: PlainRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return type.split(';')[0].trim().toLowerCase() === FORM;
}

/**
 * Counted per client by the assertion's iss, unverified, and per address: forged assertions naming a
 * client from elsewhere use up their own address's quota, not the client's. Per address alone when
 * there is no readable assertion.
 */
function rateKey(form: URLSearchParams | undefined, request: PlainRequest): string {
  const assertion = form?.get('client_assertion');
  if (assertion) {
    try {
      return `client:${unverifiedClientId(assertion)}@${request.address ?? 'unknown'}`;
    } catch {
      // Not a usable assertion: counted by address below.
    }
  }
  return `address:${request.address ?? 'unknown'}`;
}

/** Seconds to wait when `key` is over its limit, else undefined. */
async function overLimit(limiter: RateLimiterMemory, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (refused) {
    if (refused instanceof RateLimiterRes) return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
    throw refused;
  }
}

function oauthError(error: OAuthError, description: string): { error: OAuthError; error_description: string } {
  return { error, error_description: description };
}

function errorResponse(error: TokenRequestError): PlainResponse {
  return { status: STATUS[error.error], headers: NO_STORE, body: oauthError(error.error, error.description) };
}
