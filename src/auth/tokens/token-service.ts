import type { Logger } from 'pino';
import type { AuthConfig } from '../../config';
import type { Authenticator } from '../../fhir/access';
import type { AuthStore } from '../../store/auth-store';
import type { PlainRoute } from '../plain-http';
import { createAccessTokenAuthenticator, issueAccessToken, type AccessTokenSettings } from './access-tokens';
import { createClientKeySets } from './client-assertion';
import { createDiscoveryRoutes, JWKS_PATH } from './discovery';
import { createServerKeys, type ServerKeys } from './server-keys';
import { createTokenRoute, TOKEN_PATH } from './token-endpoint';

/**
 * The token side of SMART Backend Services, wired: server keys, token endpoint, discovery and the
 * Authenticator the FHIR layer uses. app.ts builds one per process; everything shared lives in the store.
 */
export interface TokenServiceOptions {
  store: AuthStore;
  config: Pick<AuthConfig, 'accessTokenSeconds' | 'signingKeyRotationHours' | 'tokenRequestsPerMinute'>;
  /** The FHIR base URL, `http://127.0.0.1:8080/fhir`: the tokens' audience; its origin is their issuer. */
  baseUrl: string;
  logger: Logger;
  clock?: () => Date;
}

export interface TokenService {
  routes: PlainRoute[];
  authenticator: Authenticator;
  keys: ServerKeys;
  /** Stops the periodic purge of used assertion ids. */
  close(): void;
}

/** Expired assertion ids are forgotten this often. */
const PURGE_INTERVAL_MS = 10 * 60_000;

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const urls = serviceUrls(options.baseUrl);
  const keys = createServerKeys({ store, rotationHours: config.signingKeyRotationHours, tokenSeconds: config.accessTokenSeconds, clock });
  const tokens: AccessTokenSettings = { keys, issuer: urls.origin, audience: urls.audience, tokenSeconds: config.accessTokenSeconds, clock };
  const tokenRoute = createTokenRoute({
    store,
    keySets: createClientKeySets(),
    tokenUrl: urls.token,
    requestsPerMinute: config.tokenRequestsPerMinute,
    issue: (client, scope) => issueAccessToken(client, scope, tokens),
    logger,
    clock,
  });
  const purge = setInterval(() => {
    store.purgeAssertionIds(clock()).catch((error: unknown) => logger.warn({ err: error }, 'purging used assertion ids failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  return {
    routes: [tokenRoute, ...createDiscoveryRoutes({ keys, tokenUrl: urls.token, jwksUrl: urls.jwks, fhirBasePath: urls.fhirBasePath })],
    authenticator: createAccessTokenAuthenticator({ ...tokens, store }),
    keys,
    close: () => clearInterval(purge),
  };
}

/** `http://127.0.0.1:8080/fhir` -> origin `http://127.0.0.1:8080`, token URL `http://127.0.0.1:8080/auth/token`, ... */
export function serviceUrls(baseUrl: string): { origin: string; audience: string; token: string; jwks: string; fhirBasePath: string } {
  const base = new URL(baseUrl);
  const audience = baseUrl.replace(/\/+$/, '');
  return {
    origin: base.origin,
    audience,
    token: new URL(TOKEN_PATH, base.origin).toString(),
    jwks: new URL(JWKS_PATH, base.origin).toString(),
    fhirBasePath: base.pathname.replace(/\/+$/, ''),
  };
}
