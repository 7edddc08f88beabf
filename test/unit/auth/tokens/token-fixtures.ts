import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import type { PlainRequest } from '../../../../src/auth/plain-http';
import type { AuthStore, RegisteredClient, StoredJwk } from '../../../../src/store/auth-store';
import { createPostgresAuthStore, openDatabase } from '../../../../src/store/postgres';
import { freshDatabase } from '../../../helpers/test-app';

export const BASE_URL = 'http://127.0.0.1:8080/fhir';
export const TOKEN_URL = 'http://127.0.0.1:8080/auth/token';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A real AuthStore on a new database (PGlite, or TEST_DATABASE_URL's server). */
export async function openAuthStore(): Promise<{ store: AuthStore; close(): Promise<void> }> {
  const database = await freshDatabase();
  const db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
  return {
    store: createPostgresAuthStore(db),
    async close() {
      await db.close();
      await database?.drop();
    },
  };
}

export interface ClientKey {
  alg: 'RS384' | 'ES384';
  kid: string;
  privateKey: KeyLike;
  publicJwk: StoredJwk;
}

export async function clientKey(alg: 'RS384' | 'ES384'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } as StoredJwk };
}

export function client(id: string, key: ClientKey | undefined, overrides: Partial<RegisteredClient> = {}): RegisteredClient {
  return {
    id,
    name: `the ${id} system`,
    role: 'ehr',
    ...(key ? { jwks: [key.publicJwk] } : {}),
    scope: 'system/Observation.cruds system/Patient.read',
    created: '2026-01-01T00:00:00.000Z',
    disabled: false,
    ...overrides,
  };
}

export interface AssertionClaims {
  iss?: string;
  sub?: string;
  aud?: string;
  /** Seconds from now. */
  expiresIn?: number;
  jti?: string;
  omit?: ('exp' | 'jti')[];
}

/** A client assertion as SMART Backend Services clients make them. */
export async function assertion(clientId: string, key: ClientKey, claims: AssertionClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { jti: claims.jti ?? randomUUID(), exp: now + (claims.expiresIn ?? 240) };
  for (const omitted of claims.omit ?? []) delete payload[omitted];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(claims.iss ?? clientId)
    .setSubject(claims.sub ?? clientId)
    .setAudience(claims.aud ?? TOKEN_URL)
    .sign(key.privateKey);
}

export function tokenRequest(params: Record<string, string>, overrides: Partial<PlainRequest> = {}): PlainRequest {
  return {
    method: 'POST',
    path: '/auth/token',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    address: '10.0.0.7',
    ...overrides,
  };
}

export function grantParams(clientAssertion: string, scope = 'system/Observation.rs'): Record<string, string> {
  return { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: clientAssertion, scope };
}

