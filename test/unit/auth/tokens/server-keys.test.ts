import { createServerKeys, type ServerKeys } from '../../../../src/auth/tokens/server-keys';
import type { AuthStore } from '../../../../src/store/auth-store';
import { storeName } from '../../../helpers/test-app';
import { openAuthStore } from './token-fixtures';

const HOUR = 3_600_000;
const TOKEN_SECONDS = 600;

describe(`server signing keys and their rotation (${storeName()})`, () => {
  let store: AuthStore;
  let close: () => Promise<void>;
  let nowMs = Date.parse('2026-03-01T00:00:00Z');
  const clock = () => new Date(nowMs);
  const keysOfProcess = (): ServerKeys => createServerKeys({ store, rotationHours: 24, tokenSeconds: TOKEN_SECONDS, clock });
  const published = async (keys: ServerKeys) => (await keys.publicJwks()).keys.map((k) => k.kid);

  beforeAll(async () => {
    ({ store, close } = await openAuthStore());
  });
  afterAll(() => close());
  beforeEach(async () => {
    await store.removeSigningKeysRetiredBefore(new Date('9999-01-01T00:00:00Z'));
    nowMs = Date.parse('2026-03-01T00:00:00Z');
  });

  it('when the first token is signed, then one ES384 key is made, stored and reused', async () => {
    const keys = keysOfProcess();
    const first = await keys.signingKey();
    expect(first.alg).toBe('ES384');
    expect((await keys.signingKey()).kid).toBe(first.kid);
    const stored = await store.signingKeys();
    expect(stored.map((k) => k.kid)).toEqual([first.kid]);
    expect(stored[0].retires).toBe('2026-03-02T00:00:00.000Z');
    expect(await published(keys)).toEqual([first.kid]);
  });

  it('when the newest key is older than the rotation period, then a new one signs and the old one stays published until its tokens expire', async () => {
    const keys = keysOfProcess();
    const old = await keys.signingKey();
    nowMs += 24 * HOUR + 1000;
    const next = await keys.signingKey();
    expect(next.kid).not.toBe(old.kid);
    expect(await published(keys)).toEqual([next.kid, old.kid]);
    expect(await keys.verificationKey(old.kid)).toBeDefined();
    // Past retires + the token lifetime, nothing it signed can be valid: it is no longer published...
    nowMs += TOKEN_SECONDS * 1000;
    expect(await published(keysOfProcess())).toEqual([next.kid]);
    expect(await keysOfProcess().verificationKey(old.kid)).toBeUndefined();
    // ...and the next rotation removes it from the store.
    nowMs += 24 * HOUR;
    const third = await keys.signingKey();
    expect((await store.signingKeys()).map((k) => k.kid)).toEqual([third.kid, next.kid]);
  });

  it('when one process has rotated, then another finds that key instead of making its own, and both publish the same keys', async () => {
    const a = keysOfProcess();
    const b = keysOfProcess();
    const first = await a.signingKey();
    expect((await b.signingKey()).kid).toBe(first.kid);
    nowMs += 24 * HOUR + 1000;
    const rotated = await a.signingKey();
    expect((await b.signingKey()).kid).toBe(rotated.kid);
    expect(await store.signingKeys()).toHaveLength(2);
    expect(await published(b)).toEqual(await published(a));
  });

  it('when many requests need a key at once, then one process makes one key', async () => {
    const keys = keysOfProcess();
    const kids = new Set((await Promise.all(Array.from({ length: 10 }, () => keys.signingKey()))).map((k) => k.kid));
    expect(kids.size).toBe(1);
    expect(await store.signingKeys()).toHaveLength(1);
  });
});
