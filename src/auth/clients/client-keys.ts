import { importJWK, type JWK } from 'jose';
import type { StoredJwk } from '../../store/auth-store';
import { ClientRegistrationError } from './registration-error';

/**
 * A client's public keys, checked before they are stored: the token endpoint verifies assertions
 * signed RS384 or ES384, so only RSA and EC (P-384) public keys are usable, and a key with private
 * members is refused so that no secret ever reaches the store.
 */

/** JWK members that belong to a private or symmetric key (RFC 7518 section 6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const ALGORITHM_OF_KTY: Record<string, string> = { RSA: 'RS384', EC: 'ES384' };
const MIN_RSA_BITS = 2048;
const LOOPBACK_HOSTNAMES = new Set(['localhost', '[::1]']);

/** The `keys` of a JWKS object `{ keys: [...] }`, each an importable RSA or EC public key. */
export async function checkJwks(jwks: unknown): Promise<StoredJwk[]> {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
    throw new ClientRegistrationError('jwks', 'expected a JWKS object { "keys": [ ... ] }');
  }
  if (jwks.keys.length === 0) throw new ClientRegistrationError('jwks', 'has no keys');
  const keys: StoredJwk[] = [];
  for (const [index, key] of jwks.keys.entries()) keys.push(await checkPublicKey(key, `jwks.keys[${index}]`));
  const kids = keys.map((k) => k.kid);
  if (keys.length > 1 && (kids.some((kid) => kid === undefined) || new Set(kids).size !== kids.length)) {
    // With several keys the token endpoint picks the one the assertion's header names.
    throw new ClientRegistrationError('jwks', 'several keys need distinct "kid" members');
  }
  return keys;
}

async function checkPublicKey(key: unknown, field: string): Promise<StoredJwk> {
  if (!isObject(key) || typeof key.kty !== 'string') throw new ClientRegistrationError(field, 'expected a JWK object with "kty"');
  const privateMembers = PRIVATE_MEMBERS.filter((member) => member in key);
  if (privateMembers.length > 0) {
    throw new ClientRegistrationError(field, `is a private or secret key (has ${privateMembers.map((m) => `"${m}"`).join(', ')}); register the public key only`);
  }
  const alg = ALGORITHM_OF_KTY[key.kty];
  if (!alg) throw new ClientRegistrationError(field, `kty "${key.kty}" is not usable: expected RSA (RS384) or EC (ES384)`);
  if (key.alg !== undefined && key.alg !== alg) throw new ClientRegistrationError(field, `alg "${String(key.alg)}" is not accepted for kty ${key.kty}: expected ${alg}`);
  if (key.kty === 'EC' && key.crv !== 'P-384') throw new ClientRegistrationError(field, `crv "${String(key.crv)}" is not usable with ES384: expected P-384`);
  if (key.use !== undefined && key.use !== 'sig') throw new ClientRegistrationError(field, `use "${String(key.use)}" is not for signatures: expected "sig" or none`);
  if (key.kid !== undefined && typeof key.kid !== 'string') throw new ClientRegistrationError(field, '"kid" must be a string');
  try {
    // jose checks the members' shapes itself; the object is only handed over.
    await importJWK(key as unknown as JWK, alg);
  } catch (error) {
    throw new ClientRegistrationError(field, `is not a valid ${key.kty} public key (${error instanceof Error ? error.message : String(error)})`);
  }
  if (key.kty === 'RSA' && rsaModulusBits(key.n) < MIN_RSA_BITS) {
    throw new ClientRegistrationError(field, `RSA key is shorter than ${MIN_RSA_BITS} bits`);
  }
  return key as StoredJwk;
}

/** An https URL of the client's JWKS; plain http only on the loopback interface (a local test client). */
export function checkJwksUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ClientRegistrationError('jwksUrl', 'expected a URL');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ClientRegistrationError('jwksUrl', `"${value}" is not an absolute URL`);
  }
  const loopback = LOOPBACK_HOSTNAMES.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ClientRegistrationError('jwksUrl', 'must use https (http is accepted on the loopback interface only)');
  }
  if (url.username || url.password) throw new ClientRegistrationError('jwksUrl', 'must not contain credentials');
  return url.toString();
}

function rsaModulusBits(n: unknown): number {
  if (typeof n !== 'string') return 0;
  const bytes = Buffer.from(n, 'base64url');
  const leadingZeros = bytes.findIndex((b) => b !== 0);
  if (leadingZeros < 0) return 0;
  return (bytes.length - leadingZeros) * 8 - Math.clz32(bytes[leadingZeros]) + 24;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
