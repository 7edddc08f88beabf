import { DuplicateClientError, type AuthStore, type SigningKey } from '../../../../src/store/auth-store';
import { storeName } from '../../../helpers/test-app';
import { client, clientKey, openAuthStore } from '../../auth/tokens/token-fixtures';

const signingKey = (kid: string, created: string, retires: string): SigningKey => ({
  kid,
  alg: 'ES384',
  privateJwk: { kty: 'EC', crv: 'P-384', x: 'x', y: 'y', d: 'd', kid },
  publicJwk: { kty: 'EC', crv: 'P-384', x: 'x', y: 'y', kid },
  created,
  retires,
});

describe(`the PostgreSQL AuthStore (${storeName()})`, () => {
  let store: AuthStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ store, close } = await openAuthStore());
  });
  afterAll(() => close());

  it('when a client is added with inline keys, then it reads back the same', async () => {
    const key = await clientKey('ES384');
    const added = client('lab-a', key);
    await store.addClient(added);
    expect(await store.getClient('lab-a')).toEqual(added);
    expect(await store.getClient('nobody')).toBeUndefined();
  });

  it('when a client is added with a JWKS URL, then it reads back with the URL and no keys', async () => {
    const added = client('registry-b', undefined, { role: 'registry', jwksUrl: 'https://registry.example/jwks.json' });
    await store.addClient(added);
    const read = await store.getClient('registry-b');
    expect(read).toEqual(added);
    expect(read?.jwks).toBeUndefined();
  });

  it('when a client id is taken, then adding it again throws DuplicateClientError', async () => {
    await store.addClient(client('dup', await clientKey('RS384')));
    await expect(store.addClient(client('dup', await clientKey('RS384')))).rejects.toThrow(DuplicateClientError);
  });

  it('when a client is updated, disabled and removed, then each change is seen and a missing client answers false', async () => {
    const key = await clientKey('RS384');
    await store.addClient(client('lab-c', key));
    const changed = client('lab-c', undefined, { role: 'investigator', jwksUrl: 'https://lab-c.example/jwks', scope: 'system/*.read', disabled: true });
    expect(await store.updateClient(changed)).toBe(true);
    expect(await store.getClient('lab-c')).toEqual(changed);
    expect(await store.updateClient(client('ghost', key))).toBe(false);
    expect((await store.listClients()).map((c) => c.id)).toContain('lab-c');
    expect(await store.removeClient('lab-c')).toBe(true);
    expect(await store.removeClient('lab-c')).toBe(false);
    expect(await store.getClient('lab-c')).toBeUndefined();
  });

  it('when the same assertion id is used twice at once, then exactly one use is accepted', async () => {
    const expires = new Date(Date.now() + 60_000);
    const uses = await Promise.all([store.useAssertionId('lab-a', 'jti-1', expires), store.useAssertionId('lab-a', 'jti-1', expires)]);
    expect(uses.sort()).toEqual([false, true]);
    // The same jti from another client is that client's own.
    expect(await store.useAssertionId('registry-b', 'jti-1', expires)).toBe(true);
  });

  it('when assertion ids have expired, then purging forgets them and only them', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    await store.useAssertionId('lab-a', 'old', new Date(now.getTime() - 1000));
    await store.useAssertionId('lab-a', 'fresh', new Date(now.getTime() + 1000));
    expect(await store.purgeAssertionIds(now)).toBeGreaterThanOrEqual(1);
    expect(await store.useAssertionId('lab-a', 'old', new Date(now.getTime() + 1000))).toBe(true);
    expect(await store.useAssertionId('lab-a', 'fresh', new Date(now.getTime() + 1000))).toBe(false);
  });

  it('when signing keys are added, then they list newest first and retired ones can be removed', async () => {
    await store.addSigningKey(signingKey('k1', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'));
    await store.addSigningKey(signingKey('k3', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z'));
    await store.addSigningKey(signingKey('k2', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'));
    const keys = await store.signingKeys();
    expect(keys.map((k) => k.kid)).toEqual(['k3', 'k2', 'k1']);
    expect(keys[0]).toEqual(signingKey('k3', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z'));
    expect(await store.removeSigningKeysRetiredBefore(new Date('2026-01-03T12:00:00Z'))).toBe(2);
    expect((await store.signingKeys()).map((k) => k.kid)).toEqual(['k3']);
  });
});
