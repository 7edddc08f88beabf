import fs from 'node:fs';
import path from 'node:path';
import { generateClientKey } from '../../src/auth/clients/client-key-file';
import { ClientRegistry } from '../../src/auth/clients/client-registry';
import { DEV_CLIENT_FILE } from '../../src/auth/dev-client';
import { serviceUrls } from '../../src/auth/tokens/token-service';
import { readClientKeyFile, requestAccessToken } from '../../src/cli/token';
import { createPostgresAuthStore, openDatabase } from '../../src/store/postgres';

const SCOPE = 'system/*.cruds';

/**
 * A bearer token for the benchmark's requests, obtained as any client would (SMART Backend
 * Services): with the local admin client the server created on its first start (its key file in
 * DATA_DIR), or, on a PostgreSQL database that already had clients, with an admin client the
 * bench registers for itself.
 */
export async function benchAuthorization(origin: string, env: Record<string, string | undefined>): Promise<string> {
  const devFile = env.DATA_DIR ? path.join(env.DATA_DIR, DEV_CLIENT_FILE) : undefined;
  if (devFile && fs.existsSync(devFile)) {
    return `Bearer ${await requestAccessToken(readClientKeyFile(devFile), SCOPE)}`;
  }
  if (!env.DATABASE_URL) throw new Error('no dev-client.json in DATA_DIR and no DATABASE_URL: cannot get a token');
  return benchClientAuthorization(origin, env.DATABASE_URL, 'admin', SCOPE);
}

/** A bearer token of a client of `role` the bench registers for itself in the PostgreSQL store (an EHR, say). */
export async function benchClientAuthorization(origin: string, databaseUrl: string, role: 'admin' | 'ehr', scope: string): Promise<string> {
  const { publicJwk, privateJwk } = await generateClientKey();
  const id = `bench-${role}-${Date.now().toString(36)}`;
  const db = await openDatabase({ databaseUrl, poolSize: 1 });
  try {
    await new ClientRegistry(createPostgresAuthStore(db)).add({ id, name: `bench ${role}`, role, jwks: { keys: [publicJwk] }, scope });
  } finally {
    await db.close();
  }
  const tokenUrl = serviceUrls(`${origin}/fhir`).token;
  return `Bearer ${await requestAccessToken({ client_id: id, token_url: tokenUrl, private_jwk: privateJwk, scope }, scope)}`;
}
