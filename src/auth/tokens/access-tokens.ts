import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Authenticator, Requester } from '../../fhir/access';
import { errors } from '../../fhir/outcomes';
import type { AuthStore, RegisteredClient } from '../../store/auth-store';
import { SERVER_KEY_ALG, type ServerKeys } from './server-keys';

/**
 * The server's access tokens: JWTs signed by the current server key, naming the client, its role
 * and the granted scopes. Checked without the store on the hot path: a verified token is remembered
 * until it expires, and the client's standing (exists, enabled, same role) for 30 s.
 */
export interface AccessTokenSettings {
  keys: ServerKeys;
  /** The server origin: `http://127.0.0.1:8080`. */
  issuer: string;
  /** The FHIR base URL the tokens are for. */
  audience: string;
  tokenSeconds: number;
  clock?: () => Date;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** An access token for `client` with the granted `scope` (space-separated). */
export async function issueAccessToken(client: RegisteredClient, scope: string, settings: AccessTokenSettings): Promise<IssuedToken> {
  const key = await settings.keys.signingKey();
  const issuedAt = Math.floor((settings.clock ?? (() => new Date()))().getTime() / 1000);
  const accessToken = await new SignJWT({ scope, role: client.role })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setSubject(client.id)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.tokenSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { accessToken, expiresIn: settings.tokenSeconds };
}

export interface AuthenticatorSettings extends AccessTokenSettings {
  store: AuthStore;
  /** How many verified tokens are remembered at most (the oldest is forgotten first). */
  rememberedTokens?: number;
}

const CLIENT_MEMORY_MS = 30_000;
/** Our own servers' clocks may differ a little. */
const SERVER_CLOCK_SKEW_SECONDS = 5;

interface RememberedToken {
  requester: Requester;
  expiresAtMs: number;
}

/** The Authenticator of the FHIR layer over the server's own access tokens. */
export function createAccessTokenAuthenticator(settings: AuthenticatorSettings): Authenticator {
  const clock = settings.clock ?? (() => new Date());
  const maxRemembered = settings.rememberedTokens ?? 10_000;
  const tokens = new Map<string, RememberedToken>();
  const clients = new Map<string, { client: RegisteredClient | undefined; untilMs: number }>();

  async function currentClient(id: string): Promise<RegisteredClient | undefined> {
    const known = clients.get(id);
    if (known && known.untilMs > clock().getTime()) return known.client;
    const client = await settings.store.getClient(id);
    if (clients.size >= maxRemembered) clients.clear();
    clients.set(id, { client, untilMs: clock().getTime() + CLIENT_MEMORY_MS });
    return client;
  }

  function remember(token: string, entry: RememberedToken): void {
    if (tokens.size >= maxRemembered) {
      const oldest = tokens.keys().next();
      if (!oldest.done) tokens.delete(oldest.value);
    }
    tokens.set(token, entry);
  }

  async function verified(token: string): Promise<RememberedToken> {
    const known = tokens.get(token);
    if (known) {
      if (known.expiresAtMs > clock().getTime()) return known;
      tokens.delete(token);
      throw errors.login('the access token has expired');
    }
    const entry = await verifyAccessToken(token, settings, clock());
    remember(token, entry);
    return entry;
  }

  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      const { requester } = await verified(token);
      const client = await currentClient(requester.clientId);
      if (!client || client.disabled || client.role !== requester.role) {
        throw errors.login('the access token is no longer valid for its client');
      }
      return requester;
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw errors.login('an access token is required (Authorization: Bearer)');
  const match = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(authorization);
  if (!match) throw errors.login('the Authorization header must be a Bearer token');
  return match[1];
}

async function verifyAccessToken(token: string, settings: AccessTokenSettings, now: Date): Promise<RememberedToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? await settings.keys.verificationKey(header.kid) : undefined;
        if (!key) throw new Error('unknown signing key');
        return key;
      },
      {
        algorithms: [SERVER_KEY_ALG],
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: SERVER_CLOCK_SKEW_SECONDS,
        currentDate: now,
      },
    ));
  } catch (error) {
    const expired = (error as { code?: string } | null)?.code === 'ERR_JWT_EXPIRED';
    throw errors.login(expired ? 'the access token has expired' : 'the access token is invalid');
  }
  const { sub, scope, role, exp } = payload;
  if (typeof sub !== 'string' || typeof scope !== 'string' || typeof role !== 'string' || typeof exp !== 'number') {
    throw errors.login('the access token is invalid');
  }
  return { requester: { clientId: sub, role, scope }, expiresAtMs: exp * 1000 };
}
