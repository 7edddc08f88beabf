import type { PlainRoute } from '../plain-http';
import { ASSERTION_ALGORITHMS } from './client-assertion';
import type { ServerKeys } from './server-keys';

/**
 * Discovery for SMART Backend Services clients: the server's public keys (to check the access
 * tokens it issues) and the SMART configuration (SMART App Launch 2.x, section Conformance).
 */
export const JWKS_PATH = '/auth/jwks.json';

export interface DiscoverySettings {
  keys: ServerKeys;
  tokenUrl: string;
  jwksUrl: string;
  /** The FHIR base path (`/fhir`): the configuration is also served below it, where SMART clients look. */
  fhirBasePath: string;
}

/** The scopes a client can ask for, in both syntaxes (any resource type may replace `*`). */
const SCOPES_SUPPORTED = ['system/*.read', 'system/*.write', 'system/*.*', 'system/*.rs', 'system/*.cud', 'system/*.cruds'];

export function smartConfiguration(settings: Pick<DiscoverySettings, 'tokenUrl' | 'jwksUrl'>): Record<string, unknown> {
  return {
    token_endpoint: settings.tokenUrl,
    jwks_uri: settings.jwksUrl,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    scopes_supported: SCOPES_SUPPORTED,
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}

export function createDiscoveryRoutes(settings: DiscoverySettings): PlainRoute[] {
  const configuration = smartConfiguration(settings);
  const configurationRoute = (path: string): PlainRoute => ({
    method: 'GET',
    path,
    access: 'public',
    handle: async () => ({ status: 200, headers: { 'Cache-Control': 'public, max-age=3600' }, body: configuration }),
  });
  const base = settings.fhirBasePath.replace(/\/+$/, '');
  return [
    {
      method: 'GET',
      path: JWKS_PATH,
      access: 'public',
      // Short caching: a new key must reach verifiers before the tokens it signs do, near enough.
      handle: async () => ({ status: 200, headers: { 'Cache-Control': 'public, max-age=60' }, body: await settings.keys.publicJwks() }),
    },
    configurationRoute('/.well-known/smart-configuration'),
    ...(base ? [configurationRoute(`${base}/.well-known/smart-configuration`)] : []),
  ];
}
