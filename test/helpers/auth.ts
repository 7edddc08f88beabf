import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import request from 'supertest';
import type { AuthStore, RegisteredClient, StoredJwk } from '../../src/store/auth-store';

/** The token endpoint of a test app whose FHIR base is http://localhost/fhir. */
export const TEST_TOKEN_URL = 'http://localhost/auth/token';

export interface TestClient {
  id: string;
  role: RegisteredClient['role'];
  alg: 'ES384' | 'RS384';
  kid: string;
  privateKey: KeyLike;
}

/** Registers a client of `role` with a fresh key pair (its public key inline) straight in the auth store. */
export async function registerClient(
  store: AuthStore, role: RegisteredClient['role'], options: { scope?: string; alg?: 'ES384' | 'RS384'; id?: string } = {},
): Promise<TestClient> {
  const alg = options.alg ?? 'ES384';
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const kid = randomUUID();
  const id = options.id ?? `${role}-${kid.slice(0, 8)}`;
  await store.addClient({
    id,
    name: `test ${role}`,
    role,
    jwks: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as StoredJwk],
    scope: options.scope ?? 'system/*.cruds',
    created: new Date().toISOString(),
    disabled: false,
  });
  return { id, role, alg, kid, privateKey };
}

/** A client assertion as SMART Backend Services defines it; `claims` and `header` override the good defaults. */
export async function clientAssertion(
  client: TestClient, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: KeyLike = client.privateKey,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: client.id, sub: client.id, aud: TEST_TOKEN_URL, exp: now + 60, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: client.alg, kid: client.kid, typ: 'JWT', ...header })
    .sign(key);
}

/** POSTs a token request; the supertest response. */
export function requestToken(app: RequestListener, assertion: string, scope = 'system/*.cruds') {
  return request(app)
    .post('/auth/token')
    .type('form')
    .send({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    });
}

/** A bearer token for a new client of `role`, through the real token endpoint. */
export async function tokenFor(app: RequestListener, store: AuthStore, role: RegisteredClient['role'], scope = 'system/*.cruds'): Promise<string> {
  const client = await registerClient(store, role, { scope });
  const res = await requestToken(app, await clientAssertion(client), scope);
  if (res.status !== 200) throw new Error(`token for ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { access_token: string }).access_token;
}
