import pino from 'pino';
import type { PlainRoute } from '../../../../src/auth/plain-http';
import { createTokenService, type TokenService } from '../../../../src/auth/tokens/token-service';
import { storeName } from '../../../helpers/test-app';
import { assertion, BASE_URL, client, clientKey, grantParams, openAuthStore, tokenRequest, type ClientKey } from './token-fixtures';

describe(`the token endpoint's rate limit (${storeName()})`, () => {
  let closeStore: () => Promise<void>;
  let service: TokenService;
  let token: PlainRoute;
  let key: ClientKey;

  beforeAll(async () => {
    const opened = await openAuthStore();
    closeStore = opened.close;
    key = await clientKey('ES384');
    await opened.store.addClient(client('busy', key));
    await opened.store.addClient(client('calm', key));
    const config = { accessTokenSeconds: 300, signingKeyRotationHours: 24, tokenRequestsPerMinute: 2 };
    service = createTokenService({ store: opened.store, config, baseUrl: BASE_URL, logger: pino({ level: 'silent' }) });
    token = service.routes.find((r) => r.path === '/auth/token') as PlainRoute;
  });
  afterAll(async () => {
    service.close();
    await closeStore();
  });

  it('when a client makes more token requests a minute than allowed, then it gets 429 with Retry-After and other clients do not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await token.handle(tokenRequest(grantParams(await assertion('busy', key))), [])).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await token.handle(tokenRequest(grantParams(await assertion('busy', key))), []);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers?.['Retry-After'])).toBeLessThanOrEqual(60);
    expect((await token.handle(tokenRequest(grantParams(await assertion('calm', key))), [])).status).toBe(200);
  });

  it('when requests carry no readable assertion, then they are counted by address', async () => {
    const junk = (address: string) => token.handle(tokenRequest({ grant_type: 'client_credentials' }, { address }), []);
    expect((await Promise.all([1, 2, 3].map(() => junk('10.9.9.9')))).map((a) => a.status)).toEqual([400, 400, 429]);
    expect((await junk('10.9.9.10')).status).toBe(400);
  });
});
