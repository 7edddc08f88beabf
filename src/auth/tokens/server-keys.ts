import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import type { AuthStore, SigningKey, StoredJwk } from '../../store/auth-store';

/**
 * The server's own token signing keys, kept in the AuthStore so that every server process signs
 * with and publishes the same ones. The newest key signs until it retires (signingKeyRotationHours
 * after it was made); the first process to need a key after that makes the next one (two processes
 * making one each is harmless: both are published, the newer signs). A retired key stays published
 * until every token it signed has expired, then it is removed.
 */
export const SERVER_KEY_ALG = 'ES384';

export interface ServerKeysOptions {
  store: AuthStore;
  rotationHours: number;
  /** The access token lifetime: how long a retired key must stay published. */
  tokenSeconds: number;
  clock?: () => Date;
}

export interface ServerSigningKey {
  kid: string;
  alg: typeof SERVER_KEY_ALG;
  privateKey: KeyLike;
}

export interface ServerKeys {
  /** The key that signs now; made (and stored) when the newest one has retired or there is none. */
  signingKey(): Promise<ServerSigningKey>;
  /**
   * The published public key `kid` names. An unknown kid reloads the keys from the store (another
   * process may have made a new key), at most once a second: a caller may wait up to that long.
   */
  verificationKey(kid: string): Promise<KeyLike | undefined>;
  /** The JWKS served at /auth/jwks.json: every key whose tokens may still be valid. */
  publicJwks(): Promise<{ keys: JWK[] }>;
}

interface LoadedKey {
  stored: SigningKey;
  privateKey: KeyLike;
  publicKey: KeyLike;
}

/** Other processes' new or removed keys are seen within this long even when no unknown kid asks for a reload. */
const REFRESH_MS = 60_000;
/** Tokens with unknown kids cost one store read per this long, however many arrive. */
const MIN_RELOAD_MS = 1_000;

export function createServerKeys(options: ServerKeysOptions): ServerKeys {
  const { store, tokenSeconds } = options;
  const clock = options.clock ?? (() => new Date());
  let keys: LoadedKey[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<LoadedKey[]> | undefined;
  let making: Promise<LoadedKey> | undefined;
  let scheduled: Promise<LoadedKey[]> | undefined;

  const now = () => clock().getTime();
  const retired = (key: LoadedKey) => Date.parse(key.stored.retires) <= now();
  const published = (key: LoadedKey) => Date.parse(key.stored.retires) + tokenSeconds * 1000 > now();

  /** One load at a time: concurrent callers share it. */
  function reload(): Promise<LoadedKey[]> {
    loading ??= loadKeys(store)
      .then((loaded) => {
        keys = loaded;
        loadedAt = now();
        return loaded;
      })
      .finally(() => (loading = undefined));
    return loading;
  }

  /** A reload, delayed until MIN_RELOAD_MS after the last one; callers meanwhile share it. */
  function reloadSoon(): Promise<LoadedKey[]> {
    const wait = loadedAt + MIN_RELOAD_MS - now();
    if (wait <= 0) return reload();
    scheduled ??= new Promise((resolve) => setTimeout(resolve, Math.min(wait, MIN_RELOAD_MS)))
      .then(reload)
      .finally(() => (scheduled = undefined));
    return scheduled;
  }

  async function current(): Promise<LoadedKey[]> {
    return now() - loadedAt >= REFRESH_MS ? reload() : keys;
  }

  async function makeKey(): Promise<LoadedKey> {
    const stored = await newSigningKey(clock(), options.rotationHours);
    await store.addSigningKey(stored);
    await store.removeSigningKeysRetiredBefore(new Date(now() - tokenSeconds * 1000));
    const loaded = await reload();
    return loaded.find((k) => k.stored.kid === stored.kid) ?? (await loadKey(stored));
  }

  return {
    async signingKey() {
      let newest: LoadedKey | undefined = (await current())[0];
      // Another process may have made the next key already: look before making one.
      if (!newest || retired(newest)) newest = (await reload())[0];
      if (!newest || retired(newest)) {
        making ??= makeKey().finally(() => (making = undefined));
        newest = await making;
      }
      return { kid: newest.stored.kid, alg: SERVER_KEY_ALG, privateKey: newest.privateKey };
    },

    async verificationKey(kid) {
      let found = (await current()).find((k) => k.stored.kid === kid);
      if (!found) found = (await reloadSoon()).find((k) => k.stored.kid === kid);
      return found && published(found) ? found.publicKey : undefined;
    },

    async publicJwks() {
      return { keys: (await current()).filter(published).map((k) => ({ ...k.stored.publicJwk }) as JWK) };
    },
  };
}

async function loadKeys(store: AuthStore): Promise<LoadedKey[]> {
  const stored = await store.signingKeys();
  return Promise.all(stored.filter((k) => k.alg === SERVER_KEY_ALG).map(loadKey));
}

async function loadKey(stored: SigningKey): Promise<LoadedKey> {
  const privateKey = (await importJWK(stored.privateJwk as JWK, stored.alg)) as KeyLike;
  const publicKey = (await importJWK(stored.publicJwk as JWK, stored.alg)) as KeyLike;
  return { stored, privateKey, publicKey };
}

/** A fresh ES384 key pair, its kid the public key's RFC 7638 thumbprint. */
async function newSigningKey(created: Date, rotationHours: number): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(SERVER_KEY_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const described = { kid, alg: SERVER_KEY_ALG, use: 'sig' };
  return {
    kid,
    alg: SERVER_KEY_ALG,
    privateJwk: { ...(await exportJWK(privateKey)), ...described } as StoredJwk,
    publicJwk: { ...publicJwk, ...described } as StoredJwk,
    created: created.toISOString(),
    retires: new Date(created.getTime() + rotationHours * 3_600_000).toISOString(),
  };
}
