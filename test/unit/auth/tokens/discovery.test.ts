import pino from 'pino';
import { createTokenService, serviceUrls, type TokenService } from '../../../../src/auth/tokens/token-service';
import type { PlainRoute } from '../../../../src/auth/plain-http';
import { storeName } from '../../../helpers/test-app';
import { BASE_URL, openAuthStore, tokenRequest } from './token-fixtures';

describe(`discovery: SMART configuration and the server's JWKS (${storeName()})`, () => {
  let closeStore: () => Promise<void>;
  let service: TokenService;
  const get = (path: string) => {
    const route = service.routes.find((r) => r.method === 'GET' && r.path === path) as PlainRoute;
    return route.handle(tokenRequest({}, { method: 'GET', path, body: '' }), []);
  };

  beforeAll(async () => {
    const opened = await openAuthStore();
    closeStore = opened.close;
    const config = { accessTokenSeconds: 300, signingKeyRotationHours: 24, tokenRequestsPerMinute: 10 };
    service = createTokenService({ store: opened.store, config, baseUrl: BASE_URL, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    service.close();
    await closeStore();
  });

  it('when the base URL is a FHIR base, then the token and JWKS URLs sit at its origin', () => {
    expect(serviceUrls('https://trials.example.org/fhir/')).toEqual({
      origin: 'https://trials.example.org',
      audience: 'https://trials.example.org/fhir',
      token: 'https://trials.example.org/auth/token',
      jwks: 'https://trials.example.org/auth/jwks.json',
      fhirBasePath: '/fhir',
    });
  });

  it.each(['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration'])(
    'when %s is read, then it describes backend services with asymmetric client authentication',
    async (path) => {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        token_endpoint: 'http://127.0.0.1:8080/auth/token',
        jwks_uri: 'http://127.0.0.1:8080/auth/jwks.json',
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
        capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
      });
      expect((answer.body as { scopes_supported: string[] }).scopes_supported).toContain('system/*.rs');
    },
  );

  it('when the JWKS is read after a token was signed, then it holds the signing key, public members only', async () => {
    const signing = await service.keys.signingKey();
    const answer = await get('/auth/jwks.json');
    const { keys } = answer.body as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kid: signing.kid, kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(keys[0].d).toBeUndefined();
  });
});
