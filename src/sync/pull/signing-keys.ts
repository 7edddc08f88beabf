import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { importJWK, type JWK, type KeyLike } from 'jose';
import { EndpointConfigError, type BackendClient } from './endpoint';

/**
 * The private keys Stroma signs its client assertions with at EHRs. They live in the server's
 * configuration, not in the store: `<SYNC_KEYS_DIR>/<keyRef>.json`, a JWK set (or one JWK) with the
 * private members, readable by the server's user only. An Endpoint names its key by keyRef and kid, so
 * a FHIR read of the Endpoint, a search or an export never carries a private key.
 */

/** A plain file name stem: no directory, no parent, no hidden file. */
const KEY_REF = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

export type SigningKeyResolver = (client: BackendClient) => Promise<KeyLike | Uint8Array>;

/** Resolves clients' keys from `keysDir`; the file is read at each call, so a rotated key is used at once. */
export function keysDirResolver(keysDir: string): SigningKeyResolver {
  return async (client) => {
    if (!KEY_REF.test(client.keyRef)) throw new EndpointConfigError(`keyRef ${JSON.stringify(client.keyRef)} is not a plain file name stem`);
    const file = path.join(keysDir, `${client.keyRef}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a readable JSON file';
      throw new EndpointConfigError(`The signing key file ${file} of keyRef ${client.keyRef}: ${reason}`);
    }
    const jwk = keyOf(parsed, client.kid);
    if (!jwk) throw new EndpointConfigError(`${file} holds no private key with kid ${client.kid}`);
    return importJWK(jwk, client.alg);
  };
}

/** The private JWK with `kid` (a lone key without kid is taken as it). */
function keyOf(parsed: unknown, kid: string): JWK | undefined {
  const keys: unknown[] = isObject(parsed) && Array.isArray(parsed.keys) ? parsed.keys : [parsed];
  const privateKeys = keys.filter((k): k is JWK => isObject(k) && typeof k.d === 'string');
  return privateKeys.find((k) => k.kid === kid) ?? (privateKeys.length === 1 && privateKeys[0].kid === undefined ? privateKeys[0] : undefined);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
