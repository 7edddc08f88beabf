import { DuplicateClientError, type AuthStore, type RegisteredClient, type SigningKey, type StoredJwk } from '../auth-store';
import type { Db } from './driver/db';

/** The AuthStore over the store's database (migration 007): PGlite and PostgreSQL alike. */
export function createPostgresAuthStore(db: Db): AuthStore {
  return {
    async addClient(client) {
      const rows = await db.query(
        `INSERT INTO auth_client (id, name, role, jwks, jwks_url, scope, created, disabled)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
        clientParams(client),
      );
      if (rows.length === 0) throw new DuplicateClientError(`client ${client.id} already exists`);
    },

    async getClient(id) {
      const rows = await db.query<ClientRow>(`${SELECT_CLIENT} WHERE id = $1`, [id], 'auth-get-client');
      return rows.length > 0 ? toClient(rows[0]) : undefined;
    },

    async listClients() {
      return (await db.query<ClientRow>(`${SELECT_CLIENT} ORDER BY id`)).map(toClient);
    },

    async updateClient(client) {
      const rows = await db.query(
        `UPDATE auth_client SET name = $2, role = $3, jwks = $4::jsonb, jwks_url = $5, scope = $6, disabled = $7
         WHERE id = $1 RETURNING id`,
        [...clientParams(client).slice(0, 6), client.disabled],
      );
      return rows.length > 0;
    },

    async removeClient(id) {
      return (await db.query('DELETE FROM auth_client WHERE id = $1 RETURNING id', [id])).length > 0;
    },

    async useAssertionId(clientId, jti, expiresAt) {
      // The primary key decides: of two processes recording the same id, exactly one gets a row back.
      const rows = await db.query(
        `INSERT INTO auth_assertion_id (client_id, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, jti) DO NOTHING RETURNING jti`,
        [clientId, jti, expiresAt.toISOString()],
        'auth-use-assertion-id',
      );
      return rows.length > 0;
    },

    async purgeAssertionIds(now) {
      return (await db.query('DELETE FROM auth_assertion_id WHERE expires_at < $1 RETURNING jti', [now.toISOString()])).length;
    },

    async signingKeys() {
      const rows = await db.query<KeyRow>(
        'SELECT kid, alg, private_jwk, public_jwk, created, retires FROM auth_signing_key ORDER BY created DESC, kid',
      );
      return rows.map(toSigningKey);
    },

    async addSigningKey(key) {
      await db.query(
        `INSERT INTO auth_signing_key (kid, alg, private_jwk, public_jwk, created, retires)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6)`,
        [key.kid, key.alg, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), key.created, key.retires],
      );
    },

    async removeSigningKeysRetiredBefore(before) {
      return (await db.query('DELETE FROM auth_signing_key WHERE retires < $1 RETURNING kid', [before.toISOString()])).length;
    },
  };
}

const SELECT_CLIENT = 'SELECT id, name, role, jwks, jwks_url, scope, created, disabled FROM auth_client';

interface ClientRow {
  id: string;
  name: string;
  role: RegisteredClient['role'];
  jwks: StoredJwk[] | null;
  jwks_url: string | null;
  scope: string;
  created: string;
  disabled: boolean;
}

interface KeyRow {
  kid: string;
  alg: string;
  private_jwk: StoredJwk;
  public_jwk: StoredJwk;
  created: string;
  retires: string;
}

/** $1..$8 in the column order of auth_client; jsonb is sent as text (pg would send an array as a PostgreSQL array). */
function clientParams(client: RegisteredClient): unknown[] {
  return [
    client.id,
    client.name,
    client.role,
    client.jwks ? JSON.stringify(client.jwks) : null,
    client.jwksUrl ?? null,
    client.scope,
    client.created,
    client.disabled,
  ];
}

function toClient(row: ClientRow): RegisteredClient {
  const client: RegisteredClient = { id: row.id, name: row.name, role: row.role, scope: row.scope, created: row.created, disabled: row.disabled };
  if (row.jwks) client.jwks = row.jwks;
  if (row.jwks_url !== null) client.jwksUrl = row.jwks_url;
  return client;
}

function toSigningKey(row: KeyRow): SigningKey {
  return { kid: row.kid, alg: row.alg, privateJwk: row.private_jwk, publicJwk: row.public_jwk, created: row.created, retires: row.retires };
}
