/**
 * The store port for authorization state shared by every server process: registered clients, the
 * server's signing keys, and the client assertion ids (`jti`) already used. The only way src/auth
 * touches SQL; one implementation in src/store/postgres (PGlite and PostgreSQL alike).
 */

/** A JSON Web Key as stored (public or private members, as the key is). */
export type StoredJwk = Record<string, unknown> & { kty: string; kid?: string };

export interface RegisteredClient {
  /** The OAuth client_id: the `iss` and `sub` of its assertions. */
  id: string;
  /** A human-readable name (who runs it). */
  name: string;
  role: 'ehr' | 'registry' | 'investigator' | 'unblinded' | 'admin';
  /** Its public keys inline (a JWKS `keys` array), or the URL of its JWKS; exactly one is set. */
  jwks?: StoredJwk[];
  jwksUrl?: string;
  /** The scopes it may be granted, space-separated SMART scopes (its role limits them further). */
  scope: string;
  /** ISO instant. */
  created: string;
  /** A disabled client is refused tokens; its tokens already issued stop working as soon as they are checked again. */
  disabled: boolean;
}

export interface SigningKey {
  kid: string;
  alg: string;
  privateJwk: StoredJwk;
  publicJwk: StoredJwk;
  /** ISO instant it started signing. */
  created: string;
  /** ISO instant after which it no longer signs (it stays published until the tokens it signed have expired). */
  retires: string;
}

export interface AuthStore {
  /** Adds a client; throws DuplicateClientError when its id is taken. */
  addClient(client: RegisteredClient): Promise<void>;
  getClient(id: string): Promise<RegisteredClient | undefined>;
  listClients(): Promise<RegisteredClient[]>;
  /** Replaces a client's name, role, keys, scope or disabled flag; false when there is no such client. */
  updateClient(client: RegisteredClient): Promise<boolean>;
  removeClient(id: string): Promise<boolean>;
  /**
   * Records that `clientId` used the assertion id `jti`, remembered until `expiresAt`; false when it
   * was already recorded (a replay). Atomic across server processes.
   */
  useAssertionId(clientId: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** Forgets assertion ids whose expiry has passed; resolves to how many. */
  purgeAssertionIds(now: Date): Promise<number>;
  /** Every signing key not yet past `publishedUntil` of its tokens, newest first. */
  signingKeys(): Promise<SigningKey[]>;
  addSigningKey(key: SigningKey): Promise<void>;
  /** Removes keys that retired before `before` (their tokens have all expired). */
  removeSigningKeysRetiredBefore(before: Date): Promise<number>;
}

export class DuplicateClientError extends Error {}
