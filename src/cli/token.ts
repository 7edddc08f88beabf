import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { ClientKeyFile } from '../auth/clients/client-key-file';
import { DEV_CLIENT_FILE } from '../auth/dev-client';
import { loadConfig } from '../config';

const USAGE = `Prints an access token from the server's token endpoint, signed in with a client key file.

  TOKEN=$(npm run -s token)
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/fhir/Patient

  --client-file F   the client key file (default: DATA_DIR/${DEV_CLIENT_FILE}, written on the first start)
  --scope S         the scopes to ask for (default: the file's scope)

Only the token goes to stdout; errors go to stderr with a non-zero exit.`;

/** How long the client assertion is valid: the token endpoint accepts at most 5 minutes. */
const ASSERTION_SECONDS = 60;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHM_OF_KTY: Record<string, string> = { EC: 'ES384', RSA: 'RS384' };

export class TokenRequestError extends Error {}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The command: 0 with the token printed, 1 when the request failed, 2 for bad usage or a bad client file. */
export async function runTokenCli(argv: string[], output: Output, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values: { 'client-file'?: string; scope?: string; help?: boolean };
  try {
    values = parseArgs({ args: argv, options: { 'client-file': { type: 'string' }, scope: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (error) {
    output.err(`${message(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    output.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const file = values['client-file'] ?? path.join(loadConfig(env).dataDir, DEV_CLIENT_FILE);
    const keyFile = readClientKeyFile(file);
    output.out(`${await requestAccessToken(keyFile, values.scope ?? keyFile.scope)}\n`);
    return 0;
  } catch (error) {
    output.err(`${message(error)}\n`);
    return error instanceof TokenRequestError ? 1 : 2;
  }
}

/** Reads and checks a client key file (`{ client_id, token_url, private_jwk, scope }`). */
export function readClientKeyFile(file: string): ClientKeyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `No client key file at ${file}. The server writes it when it starts on a store without clients; ` +
        'otherwise register a client (npm run client -- add ... --generate-key FILE) and pass --client-file FILE.',
    );
  }
  let parsed: Partial<ClientKeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<ClientKeyFile>;
  } catch {
    throw new Error(`${file} is not JSON`);
  }
  for (const member of ['client_id', 'token_url', 'scope'] as const) {
    if (typeof parsed[member] !== 'string') throw new Error(`${file}: "${member}" is missing`);
  }
  if (typeof parsed.private_jwk !== 'object' || parsed.private_jwk === null || !('d' in parsed.private_jwk)) {
    throw new Error(`${file}: "private_jwk" is missing or not a private key`);
  }
  return parsed as ClientKeyFile;
}

/** A client assertion (RFC 7523) for the token endpoint: iss = sub = the client, aud = the endpoint, short-lived, unique jti. */
export async function signClientAssertion(keyFile: ClientKeyFile, now: Date = new Date()): Promise<string> {
  const jwk: JWK = keyFile.private_jwk;
  const alg = jwk.alg ?? ALGORITHM_OF_KTY[jwk.kty ?? ''];
  if (!alg) throw new Error(`private_jwk: kty "${String(jwk.kty)}" cannot sign RS384 or ES384`);
  const key = await importJWK(jwk, alg);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setIssuer(keyFile.client_id)
    .setSubject(keyFile.client_id)
    .setAudience(keyFile.token_url)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ASSERTION_SECONDS)
    .setJti(randomUUID())
    .sign(key);
}

/** Asks the token endpoint for an access token (client_credentials with a signed assertion). */
export async function requestAccessToken(keyFile: ClientKeyFile, scope: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await signClientAssertion(keyFile),
  });
  let response: Response;
  try {
    response = await fetch(keyFile.token_url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new TokenRequestError(`Could not reach the token endpoint ${keyFile.token_url}${cause} (is the server running?)`);
  }
  const answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok) {
    const reason = answer && typeof answer.error === 'string' ? `${answer.error}${typeof answer.error_description === 'string' ? `: ${answer.error_description}` : ''}` : response.statusText;
    throw new TokenRequestError(`The token endpoint refused the request (${response.status} ${reason})`);
  }
  if (!answer || typeof answer.access_token !== 'string') throw new TokenRequestError('The token endpoint answered without an access_token');
  return answer.access_token;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  void runTokenCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
