import { generateKeyPair } from 'jose';
import request from 'supertest';
import { clientAssertion, registerClient, requestToken, TEST_TOKEN_URL } from '../helpers/auth';
import { storeName, useTestApp } from '../helpers/test-app';

/** SMART Backend Services through the HTTP API, with real signed JWTs. */
describe(`the token endpoint and bearer tokens (${storeName()})`, () => {
  const t = useTestApp({ auth: true });

  it('when a client signs a good assertion (ES384 or RS384), then it gets a bearer token that opens the FHIR API', async () => {
    for (const alg of ['ES384', 'RS384'] as const) {
      const client = await registerClient(t.authStore, 'investigator', { alg, scope: 'system/*.rs' });
      const res = await requestToken(t.app, await clientAssertion(client), 'system/Patient.rs').expect(200);
      expect(res.headers['cache-control']).toMatch(/no-store/);
      expect(res.body).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), scope: 'system/Patient.rs', expires_in: expect.any(Number) });
      await request(t.app).get('/fhir/Patient').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    }
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 600 }],
    ['more than 5 minutes ahead', { exp: Math.floor(Date.now() / 1000) + 3600 }],
    ['for another audience', { aud: 'https://elsewhere.example/token' }],
    ['issued for another client', { iss: 'someone-else' }],
    ['without jti', { jti: undefined }],
  ] as [string, Record<string, unknown>][])('when the assertion is %s, then 401 invalid_client', async (_what, claims) => {
    const client = await registerClient(t.authStore, 'registry', { scope: 'system/*.rs' });
    const res = await requestToken(t.app, await clientAssertion(client, claims), 'system/*.rs');
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
  });

  it('when an assertion is replayed, then the second use is refused', async () => {
    const client = await registerClient(t.authStore, 'registry', { scope: 'system/*.rs' });
    const assertion = await clientAssertion(client);
    await requestToken(t.app, assertion, 'system/*.rs').expect(200);
    const replay = await requestToken(t.app, assertion, 'system/*.rs');
    expect([replay.status, replay.body.error]).toEqual([401, 'invalid_client']);
  });

  it('when the assertion is signed by a key the client did not register, or with a weaker algorithm, then 401', async () => {
    const client = await registerClient(t.authStore, 'registry', { scope: 'system/*.rs' });
    const stranger = await generateKeyPair('ES384');
    expect((await requestToken(t.app, await clientAssertion(client, {}, {}, stranger.privateKey), 'system/*.rs')).status).toBe(401);
    const es256 = await generateKeyPair('ES256');
    expect((await requestToken(t.app, await clientAssertion(client, {}, { alg: 'ES256' }, es256.privateKey), 'system/*.rs')).status).toBe(401);
  });

  it('when a scope beyond the client registration is asked, then only what was registered is granted', async () => {
    const client = await registerClient(t.authStore, 'investigator', { scope: 'system/Observation.rs' });
    const res = await requestToken(t.app, await clientAssertion(client), 'system/*.cruds').expect(200);
    expect(res.body.scope).toBe('system/Observation.rs');
  });

  it('when discovery is asked without a token, then the SMART configuration and the server keys are public', async () => {
    const config = await request(t.app).get('/.well-known/smart-configuration').expect(200);
    expect(config.body).toMatchObject({ token_endpoint: TEST_TOKEN_URL, grant_types_supported: ['client_credentials'] });
    expect(config.body.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS384', 'ES384']));
    await request(t.app).get('/fhir/.well-known/smart-configuration').expect(200);
    const jwks = await request(t.app).get('/auth/jwks.json').expect(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    for (const key of jwks.body.keys) expect(key).not.toHaveProperty('d');
    await request(t.app).get('/fhir/metadata').expect(200);
  });

  it('when a forged or tampered access token is sent, then 401', async () => {
    const client = await registerClient(t.authStore, 'admin');
    const token = (await requestToken(t.app, await clientAssertion(client)).expect(200)).body.access_token as string;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, role: 'admin', sub: 'root' })).toString('base64url'), signature].join('.');
    await request(t.app).get('/fhir/Patient').set('Authorization', `Bearer ${tampered}`).expect(401);
  });
});
