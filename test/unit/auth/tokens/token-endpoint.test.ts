import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import pino from 'pino';
import type { PlainRoute } from '../../../../src/auth/plain-http';
import { createTokenService, type TokenService } from '../../../../src/auth/tokens/token-service';
import type { AuthStore } from '../../../../src/store/auth-store';
import { storeName } from '../../../helpers/test-app';
import { assertion, BASE_URL, client, clientKey, grantParams, openAuthStore, tokenRequest, type ClientKey } from './token-fixtures';

const CONFIG = { accessTokenSeconds: 300, signingKeyRotationHours: 24, tokenRequestsPerMinute: 1000 };

describe(`the token endpoint, SMART Backend Services (${storeName()})`, () => {
  let store: AuthStore;
  let closeStore: () => Promise<void>;
  let service: TokenService;
  let token: PlainRoute;
  let rsKey: ClientKey;
  let esKey: ClientKey;
  let jwksServer: Server;
  const post = (params: Record<string, string>) => token.handle(tokenRequest(params), []);

  beforeAll(async () => {
    ({ store, close: closeStore } = await openAuthStore());
    service = createTokenService({ store, config: CONFIG, baseUrl: BASE_URL, logger: pino({ level: 'silent' }) });
    token = service.routes.find((r) => r.path === '/auth/token') as PlainRoute;
    [rsKey, esKey] = await Promise.all([clientKey('RS384'), clientKey('ES384')]);
    await store.addClient(client('lab-rs', rsKey));
    await store.addClient(client('lab-es', esKey, { role: 'investigator' }));
    await store.addClient(client('lab-off', esKey, { disabled: true }));
    jwksServer = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ keys: [esKey.publicJwk] })));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    await store.addClient(client('lab-url', undefined, { jwksUrl: `http://127.0.0.1:${port}/jwks.json` }));
  });
  afterAll(async () => {
    service.close();
    await new Promise((resolve) => jwksServer.close(resolve));
    await closeStore();
  });

  it.each([
    ['RS384', 'lab-rs'],
    ['ES384', 'lab-es'],
  ])('when a %s assertion is good, then an ES384 access token is issued with the granted scope, not cached', async (_alg, id) => {
    const key = id === 'lab-rs' ? rsKey : esKey;
    const answer = await post(grantParams(await assertion(id, key), 'system/Observation.rs'));
    expect(answer.status).toBe(200);
    expect(answer.headers?.['Cache-Control']).toBe('no-store');
    const body = answer.body as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/Observation.rs' });
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ alg: 'ES384' });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ iss: 'http://127.0.0.1:8080', sub: id, aud: BASE_URL, scope: 'system/Observation.rs' });
    expect(claims.role).toBe(id === 'lab-rs' ? 'ehr' : 'investigator');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(typeof claims.jti).toBe('string');
  });

  it('when the client registered a JWKS URL, then its assertion is checked against the keys served there', async () => {
    const answer = await post(grantParams(await assertion('lab-url', esKey)));
    expect(answer.status).toBe(200);
  });

  const refused = async (params: Record<string, string>, error: string, description?: RegExp) => {
    const answer = await post(params);
    expect(answer.status).toBe(error === 'invalid_client' ? 401 : 400);
    expect(answer.body).toMatchObject({ error });
    if (description) expect((answer.body as { error_description: string }).error_description).toMatch(description);
    expect(JSON.stringify(answer.body)).not.toMatch(/lab-|Error|at /);
  };

  it('when the assertion has expired, then invalid_client', async () => {
    await refused(grantParams(await assertion('lab-es', esKey, { expiresIn: -120 })), 'invalid_client', /expired/);
  });

  it('when the assertion expired within the 60 s clock skew, then it is still accepted', async () => {
    expect((await post(grantParams(await assertion('lab-es', esKey, { expiresIn: -30 })))).status).toBe(200);
  });

  it('when exp is more than 5 minutes ahead, then invalid_client', async () => {
    await refused(grantParams(await assertion('lab-es', esKey, { expiresIn: 600 })), 'invalid_client', /5 minutes/);
  });

  it('when exp or jti is missing, then invalid_client', async () => {
    await refused(grantParams(await assertion('lab-es', esKey, { omit: ['exp'] })), 'invalid_client', /exp/);
    await refused(grantParams(await assertion('lab-es', esKey, { omit: ['jti'] })), 'invalid_client', /jti/);
  });

  it('when the audience is not the token endpoint, then invalid_client', async () => {
    await refused(grantParams(await assertion('lab-es', esKey, { aud: 'http://127.0.0.1:8080/fhir' })), 'invalid_client', /aud/);
  });

  it('when iss and sub differ, then invalid_client', async () => {
    await refused(grantParams(await assertion('lab-es', esKey, { sub: 'lab-rs' })), 'invalid_client', /sub/);
  });

  it('when a jti is used a second time, then the replay is refused', async () => {
    const once = await assertion('lab-es', esKey);
    expect((await post(grantParams(once))).status).toBe(200);
    await refused(grantParams(once), 'invalid_client', /already been used/);
    const again = await Promise.all([1, 2].map(async () => post(grantParams(await assertion('lab-rs', rsKey, { jti: 'same-jti' })))));
    expect(again.map((a) => a.status).sort()).toEqual([200, 401]);
  });

  it('when the assertion is signed by a key the client did not register, then invalid_client says only that authentication failed', async () => {
    const stranger = await clientKey('ES384');
    await refused(grantParams(await assertion('lab-es', { ...stranger, kid: esKey.kid })), 'invalid_client', /^client authentication failed$/);
    await refused(grantParams(await assertion('lab-url', stranger)), 'invalid_client', /^client authentication failed$/);
  });

  it.each(['HS256', 'RS256'])('when the assertion is signed with %s, then invalid_client names the algorithms allowed', async (alg) => {
    const signed =
      alg === 'HS256'
        ? await new SignJWT({ jti: 'h', exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg }).setIssuer('lab-rs').setSubject('lab-rs')
            .setAudience('http://127.0.0.1:8080/auth/token').sign(new TextEncoder().encode('a shared secret of enough length!!'))
        : await assertion('lab-rs', { ...rsKey, alg: 'RS256' as 'RS384' });
    await refused(grantParams(signed), 'invalid_client', /RS384 or ES384/);
  });

  it('when the assertion is unsecured (alg none), then invalid_client', async () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const claims = { iss: 'lab-rs', sub: 'lab-rs', aud: 'http://127.0.0.1:8080/auth/token', jti: 'none-1', exp: Math.floor(Date.now() / 1000) + 60 };
    await refused(grantParams(`${encode({ alg: 'none' })}.${encode(claims)}.`), 'invalid_client', /RS384 or ES384/);
  });

  it('when the client is unknown or disabled, then invalid_client reads as any other authentication failure', async () => {
    await refused(grantParams(await assertion('nobody', esKey)), 'invalid_client', /^client authentication failed$/);
    await refused(grantParams(await assertion('lab-off', esKey)), 'invalid_client', /^client authentication failed$/);
  });

  it('when the request is malformed, then invalid_request or unsupported_grant_type', async () => {
    const good = grantParams(await assertion('lab-es', esKey));
    await refused({ ...good, grant_type: 'authorization_code' }, 'unsupported_grant_type');
    await refused({ ...good, grant_type: '' }, 'invalid_request', /grant_type/);
    await refused({ ...good, client_assertion_type: 'urn:other' }, 'invalid_request', /client_assertion_type/);
    await refused({ ...good, client_assertion: '' }, 'invalid_request', /client_assertion is required/);
    await refused({ ...good, scope: '' }, 'invalid_request', /scope/);
    const json = await token.handle(tokenRequest(good, { headers: { 'content-type': 'application/json' } }), []);
    expect(json).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const twice = `${new URLSearchParams(good).toString()}&scope=system%2FPatient.read`;
    expect(await token.handle(tokenRequest(good, { body: twice }), [])).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it.each([
    ['system/Observation.read', 'system/Observation.read'],
    ['system/Observation.*', 'system/Observation.*'],
    ['system/*.read', 'system/Observation.read system/Patient.read'],
    ['system/Observation.cruds system/Patient.cruds', 'system/Observation.cruds system/Patient.rs'],
    ['system/*.rs launch openid', 'system/Observation.rs system/Patient.rs'],
    ['system/Observation.rs?category=laboratory system/Patient.r', 'system/Patient.r'],
  ])('when %s is requested, then %s is granted within the registration', async (requested, granted) => {
    const answer = await post(grantParams(await assertion('lab-rs', rsKey), requested));
    expect(answer).toMatchObject({ status: 200, body: { scope: granted } });
  });

  it('when nothing requested can be granted, then invalid_scope', async () => {
    await refused(grantParams(await assertion('lab-rs', rsKey), 'system/Encounter.read'), 'invalid_scope');
    await refused(grantParams(await assertion('lab-rs', rsKey), 'patient/*.read openid'), 'invalid_scope');
    await refused(grantParams(await assertion('lab-rs', rsKey), 'system/Patient.write'), 'invalid_scope');
  });
});
