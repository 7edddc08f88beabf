import { generateKeyPair, SignJWT } from 'jose';
import pino from 'pino';
import type { Authenticator } from '../../../../src/fhir/access';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { createAccessTokenAuthenticator, issueAccessToken, type AccessTokenSettings } from '../../../../src/auth/tokens/access-tokens';
import type { PlainRoute } from '../../../../src/auth/plain-http';
import { createServerKeys } from '../../../../src/auth/tokens/server-keys';
import { createTokenService, type TokenService } from '../../../../src/auth/tokens/token-service';
import type { AuthStore, RegisteredClient } from '../../../../src/store/auth-store';
import { storeName } from '../../../helpers/test-app';
import { assertion, BASE_URL, client, clientKey, grantParams, openAuthStore, tokenRequest, type ClientKey } from './token-fixtures';

const ORIGIN = 'http://127.0.0.1:8080';
const CONFIG = { accessTokenSeconds: 300, signingKeyRotationHours: 1, tokenRequestsPerMinute: 100 };

/** An AuthStore that counts its reads, to show what the hot path does not do. */
function counting(store: AuthStore): { store: AuthStore; reads: { getClient: number; signingKeys: number } } {
  const reads = { getClient: 0, signingKeys: 0 };
  return {
    reads,
    store: {
      ...store,
      getClient: (id) => (reads.getClient++, store.getClient(id)),
      signingKeys: () => (reads.signingKeys++, store.signingKeys()),
    },
  };
}

async function expectLogin(pending: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await pending.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OperationOutcomeError);
  expect((error as OperationOutcomeError).category).toBe('login');
  expect((error as OperationOutcomeError).message).toMatch(message);
}

describe(`access tokens and the Authenticator (${storeName()})`, () => {
  let store: AuthStore;
  let closeStore: () => Promise<void>;
  let nowMs = Date.now();
  const clock = () => new Date(nowMs);
  let service: TokenService;
  let settings: AccessTokenSettings;
  let lab: RegisteredClient;
  let labKey: ClientKey;
  const fresh = (s: AuthStore = store) => createAccessTokenAuthenticator({ ...settings, store: s });
  const issue = (c: RegisteredClient = lab, scope = 'system/Observation.rs') => issueAccessToken(c, scope, settings).then((t) => t.accessToken);

  beforeAll(async () => {
    ({ store, close: closeStore } = await openAuthStore());
    labKey = await clientKey('ES384');
    lab = client('lab', labKey);
    await store.addClient(lab);
    service = createTokenService({ store, config: CONFIG, baseUrl: BASE_URL, logger: pino({ level: 'silent' }), clock });
    settings = { keys: service.keys, issuer: ORIGIN, audience: BASE_URL, tokenSeconds: 300, clock };
  });
  afterAll(async () => {
    service.close();
    await closeStore();
  });
  beforeEach(() => {
    nowMs = Date.now();
  });

  it('when the token endpoint issued the token, then the Authenticator answers its client, role and scope, the second time without the store', async () => {
    const route = service.routes.find((r) => r.path === '/auth/token') as PlainRoute;
    const granted = await route.handle(tokenRequest(grantParams(await assertion('lab', labKey), 'system/Observation.read')), []);
    expect(granted.status).toBe(200);
    const accessToken = (granted.body as { access_token: string }).access_token;
    const counted = counting(store);
    const authenticator = fresh(counted.store);
    const expected = { clientId: 'lab', role: 'ehr', scope: 'system/Observation.read' };
    expect(await authenticator.authenticate(`Bearer ${accessToken}`)).toEqual(expected);
    const afterFirst = { ...counted.reads };
    expect(await authenticator.authenticate(`bearer ${accessToken}`)).toEqual(expected);
    expect(counted.reads).toEqual(afterFirst);
  });

  it('when the header is missing or not a bearer token, then 401', async () => {
    const authenticator = fresh();
    await expectLogin(authenticator.authenticate(undefined), /required/);
    await expectLogin(authenticator.authenticate(`Basic ${Buffer.from('a:b').toString('base64')}`), /Bearer/);
    await expectLogin(authenticator.authenticate('Bearer not-a-jwt'), /invalid/);
  });

  it('when the token has expired, then 401, whether it was verified before or not', async () => {
    const accessToken = await issue();
    const remembered = fresh();
    await remembered.authenticate(`Bearer ${accessToken}`);
    nowMs += 301_000;
    await expectLogin(remembered.authenticate(`Bearer ${accessToken}`), /expired/);
    nowMs += 10_000;
    await expectLogin(fresh().authenticate(`Bearer ${accessToken}`), /expired/);
  });

  it('when the token is tampered with (role raised to admin), then 401', async () => {
    const [header, payload, signature] = (await issue()).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, role: 'admin', scope: 'system/*.*' })).toString('base64url');
    await expectLogin(fresh().authenticate(`Bearer ${header}.${raised}.${signature}`), /invalid/);
  });

  it('when the token is signed by a key the server never published, then 401', async () => {
    const { privateKey } = await generateKeyPair('ES384');
    const { kid } = await service.keys.signingKey();
    for (const header of [{ alg: 'ES384', kid: 'someone-elses' }, { alg: 'ES384', kid }]) {
      const forged = await new SignJWT({ scope: 'system/*.*', role: 'admin' }).setProtectedHeader(header).setIssuer(ORIGIN).setSubject('lab')
        .setAudience(BASE_URL).setIssuedAt().setExpirationTime('5m').setJti('f').sign(privateKey);
      await expectLogin(fresh().authenticate(`Bearer ${forged}`), /invalid/);
    }
  });

  it('when the token was issued for another server (issuer or audience), then 401', async () => {
    const other = await issueAccessToken(lab, 'system/Observation.rs', { ...settings, audience: 'http://elsewhere/fhir' });
    await expectLogin(fresh().authenticate(`Bearer ${other.accessToken}`), /invalid/);
    const foreign = await issueAccessToken(lab, 'system/Observation.rs', { ...settings, issuer: 'http://elsewhere' });
    await expectLogin(fresh().authenticate(`Bearer ${foreign.accessToken}`), /invalid/);
  });

  it('when the client is disabled or its role changes, then its tokens stop working within 30 s', async () => {
    const sam = client('sam', await clientKey('RS384'));
    await store.addClient(sam);
    const accessToken = await issue(sam);
    const authenticator = fresh();
    await authenticator.authenticate(`Bearer ${accessToken}`);
    await store.updateClient({ ...sam, disabled: true });
    nowMs += 31_000;
    await expectLogin(authenticator.authenticate(`Bearer ${accessToken}`), /no longer valid/);
    await store.updateClient({ ...sam, role: 'registry' });
    nowMs += 31_000;
    await expectLogin(authenticator.authenticate(`Bearer ${accessToken}`), /no longer valid/);
    await store.updateClient(sam);
    nowMs += 31_000;
    expect((await authenticator.authenticate(`Bearer ${accessToken}`)).clientId).toBe('sam');
  });

  it('when another process signs with a key made after this one loaded its keys, then the unknown kid reloads the keys', async () => {
    const authenticator: Authenticator = fresh();
    await authenticator.authenticate(`Bearer ${await issue()}`);
    // A second process, an hour and a bit later: the first key has retired, so it makes the next.
    nowMs += 3_700_000;
    const otherKeys = createServerKeys({ store, rotationHours: 1, tokenSeconds: 300, clock });
    const before = (await service.keys.publicJwks()).keys.map((k) => k.kid);
    const fromOther = await issueAccessToken(lab, 'system/Observation.rs', { ...settings, keys: otherKeys });
    expect(before).not.toContain((await otherKeys.signingKey()).kid);
    expect((await authenticator.authenticate(`Bearer ${fromOther.accessToken}`)).clientId).toBe('lab');
  });
});
