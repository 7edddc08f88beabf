import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { DuplicateClientError } from '../store/auth-store';
import { generateClientKey, stageClientKeyFile } from './clients/client-key-file';
import type { ClientRegistry } from './clients/client-registry';

export const DEV_CLIENT_ID = 'stroma-dev-admin';
export const DEV_CLIENT_SCOPE = 'system/*.cruds';
export const DEV_CLIENT_FILE = 'dev-client.json';

export interface DevClientOptions {
  registry: ClientRegistry;
  /** Where the key file goes (DATA_DIR). */
  dataDir: string;
  /** The token endpoint's URL (the `aud` of the client's assertions). */
  tokenUrl: string;
  logger: Pick<Logger, 'info'>;
}

/**
 * First start: when no client is registered at all, registers a local admin client with a fresh
 * ES384 key pair and writes `<dataDir>/dev-client.json` (mode 0600) for `npm run token`, so a new
 * installation has a working token without turning security off. Once any client exists it does
 * nothing, and it never replaces a registered client. Resolves to the file written, if any.
 */
export async function ensureDevClient(options: DevClientOptions): Promise<string | undefined> {
  const { registry, dataDir, tokenUrl, logger } = options;
  if (!(await registry.isEmpty())) return undefined;
  const { publicJwk, privateJwk } = await generateClientKey();
  const file = path.join(dataDir, DEV_CLIENT_FILE);
  mkdirSync(dataDir, { recursive: true });
  const staged = stageClientKeyFile(file, { client_id: DEV_CLIENT_ID, token_url: tokenUrl, private_jwk: privateJwk, scope: DEV_CLIENT_SCOPE });
  try {
    await registry.add({ id: DEV_CLIENT_ID, name: 'Local admin (created on first start)', role: 'admin', jwks: { keys: [publicJwk] }, scope: DEV_CLIENT_SCOPE });
  } catch (error) {
    staged.discard();
    // Another server process on the same database registered it first: its file is the one that works.
    if (error instanceof DuplicateClientError) return undefined;
    throw error;
  }
  staged.commit();
  logger.info(`No client was registered: created the admin client ${DEV_CLIENT_ID}; its private key is in ${file}. Get a token with: npm run token`);
  return file;
}
