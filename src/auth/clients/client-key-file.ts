import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * A key pair generated for a client (the first start's admin client, `npm run client -- add
 * --generate-key`): the public half is registered, the private half written to a file only its
 * owner can read, which `npm run token` signs assertions with.
 */

export const GENERATED_KEY_ALG = 'ES384';

export interface GeneratedClientKey {
  publicJwk: JWK;
  privateJwk: JWK;
}

/** The contents of a client key file (data/dev-client.json). */
export interface ClientKeyFile {
  client_id: string;
  token_url: string;
  private_jwk: JWK;
  scope: string;
}

export async function generateClientKey(): Promise<GeneratedClientKey> {
  const { publicKey, privateKey } = await generateKeyPair(GENERATED_KEY_ALG, { extractable: true });
  const kid = randomUUID();
  const common = { kid, alg: GENERATED_KEY_ALG, use: 'sig' };
  return { publicJwk: { ...(await exportJWK(publicKey)), ...common }, privateJwk: { ...(await exportJWK(privateKey)), ...common } };
}

/**
 * Writes the key file with mode 0600 to a temporary name beside `file`; `commit()` renames it into
 * place, `discard()` removes it. Written before the client is registered and renamed after, so a
 * registered client never lacks its key file and a failed registration leaves no stray key.
 */
export function stageClientKeyFile(file: string, contents: ClientKeyFile): { commit(): void; discard(): void } {
  const staged = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  writeFileSync(staged, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return {
    commit: () => renameSync(staged, file),
    discard: () => rmSync(staged, { force: true }),
  };
}
