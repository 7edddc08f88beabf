import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWK, type JWTVerifyGetKey } from 'jose';
import type { AuthStore, RegisteredClient } from '../../store/auth-store';

/**
 * The client authentication of SMART Backend Services (SMART App Launch 2.x, asymmetric client
 * authentication): the client proves who it is with a short-lived JWT signed by one of its
 * registered keys, used once.
 */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'];

/** Clock skew allowed on exp (and nbf); a used jti is kept this much past exp, since it is accepted that long. */
export const CLOCK_SKEW_SECONDS = 60;
/** SMART: exp no more than five minutes in the future. */
const MAX_LIFETIME_SECONDS = 300;
const MAX_ASSERTION_LENGTH = 16_384;
const MAX_JTI_LENGTH = 255;

/**
 * A refused assertion. `description` goes to the client and says no more than the client needs;
 * `reason` goes to the log. A caller without the client's key only ever learns "authentication failed".
 */
export class InvalidClientError extends Error {
  constructor(
    readonly description: string,
    readonly reason: string = description,
  ) {
    super(reason);
  }
}

/** The key sets of registered clients: inline JWKS, or fetched from the client's JWKS URL (cached by jose). */
export interface ClientKeySets {
  keySetFor(client: RegisteredClient): JWTVerifyGetKey;
}

const REMOTE_SETS_MAX = 1000;

export function createClientKeySets(fetchTimeoutMs = 2000): ClientKeySets {
  const remote = new Map<string, JWTVerifyGetKey>();
  return {
    keySetFor(client) {
      if (client.jwks) return createLocalJWKSet({ keys: client.jwks as JWK[] });
      const url = client.jwksUrl ?? '';
      let set = remote.get(url);
      if (!set) {
        if (remote.size >= REMOTE_SETS_MAX) remote.clear();
        set = createRemoteJWKSet(new URL(url), { timeoutDuration: fetchTimeoutMs, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
        remote.set(url, set);
      }
      return set;
    },
  };
}

export interface AssertionCheck {
  store: AuthStore;
  keySets: ClientKeySets;
  /** The token endpoint's URL: the assertion's required audience. */
  tokenUrl: string;
  clock?: () => Date;
}

const FAILED = 'client authentication failed';

/** The client the assertion authenticates, its jti recorded; throws InvalidClientError otherwise. */
export async function verifyClientAssertion(assertion: string, check: AssertionCheck): Promise<RegisteredClient> {
  const now = (check.clock ?? (() => new Date()))();
  const clientId = unverifiedClientId(assertion);
  const client = await check.store.getClient(clientId);
  if (!client) throw new InvalidClientError(FAILED, `unknown client ${clientId}`);
  if (client.disabled) throw new InvalidClientError(FAILED, `client ${clientId} is disabled`);
  const { exp, jti } = await verifiedClaims(assertion, client, check, now);
  if (exp > now.getTime() / 1000 + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw new InvalidClientError('client_assertion exp is more than 5 minutes ahead');
  }
  const first = await check.store.useAssertionId(client.id, jti, new Date((exp + CLOCK_SKEW_SECONDS) * 1000));
  if (!first) throw new InvalidClientError('client_assertion jti has already been used', `replayed jti from ${client.id}`);
  return client;
}

/** The assertion's iss, read before verification only to find whose keys verify it; refuses algorithms other than RS384 and ES384 up front. */
export function unverifiedClientId(assertion: string): string {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw new InvalidClientError('client_assertion is too long');
  let alg: unknown;
  let iss: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    iss = decodeJwt(assertion).iss;
  } catch {
    throw new InvalidClientError('client_assertion is not a JWT');
  }
  if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg)) {
    throw new InvalidClientError(`client_assertion must be signed with ${ASSERTION_ALGORITHMS.join(' or ')}`, `alg ${String(alg)} refused`);
  }
  if (typeof iss !== 'string' || iss.length === 0) throw new InvalidClientError('client_assertion has no iss');
  return iss;
}

async function verifiedClaims(assertion: string, client: RegisteredClient, check: AssertionCheck, now: Date): Promise<{ exp: number; jti: string }> {
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, check.keySets.keySetFor(client), {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: client.id,
      subject: client.id,
      audience: check.tokenUrl,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    throw refusal(error, client.id);
  }
  const { exp, jti } = payload;
  if (typeof exp !== 'number' || typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw new InvalidClientError('client_assertion jti is invalid');
  }
  return { exp, jti };
}

/**
 * jose checks the signature before the claims, so the specific descriptions below reach only a
 * caller holding the client's key; every key or signature problem reads the same.
 */
function refusal(error: unknown, clientId: string): InvalidClientError {
  const { code, claim, message } = (error ?? {}) as { code?: string; claim?: string; message?: string };
  const reason = `client ${clientId}: ${code ?? 'error'} ${message ?? ''}`.trim();
  if (code === 'ERR_JWT_EXPIRED') return new InvalidClientError('client_assertion has expired', reason);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud') {
    return new InvalidClientError('client_assertion aud must be the token endpoint URL', reason);
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return new InvalidClientError(`client_assertion ${claim ?? 'claim'} is invalid`, reason);
  return new InvalidClientError(FAILED, reason);
}
