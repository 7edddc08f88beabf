import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { ClientRegistry } from '../../../src/auth/clients/client-registry';
import { DEV_CLIENT_ID, ensureDevClient } from '../../../src/auth/dev-client';
import { runTokenCli } from '../../../src/cli/token';
import { MemoryAuthStore } from '../auth/clients/memory-auth-store';
import { keyPair } from '../auth/clients/keys';

interface Seen {
  form: URLSearchParams;
  claims: Record<string, unknown>;
  header: Record<string, unknown>;
}

/** A token endpoint fake that checks the assertion as the real one must: signature, iss = sub, aud = its URL, short expiry. */
async function fakeTokenEndpoint(clientKey: () => JWK, seen: Seen[], refuse = false): Promise<{ server: Server; url: string }> {
  let url = '';
  const server = createServer((req, res) => {
    void (async () => {
      const form = new URLSearchParams(await text(req));
      const assertion = form.get('client_assertion') ?? '';
      try {
        const { payload } = await jwtVerify(assertion, await importJWK(clientKey(), 'ES384'), { audience: url, algorithms: ['ES384'], maxTokenAge: '5m' });
        seen.push({ form, claims: payload, header: decodeProtectedHeader(assertion) });
        if (refuse) throw new Error('client disabled');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ access_token: `token-for-${payload.sub}`, token_type: 'bearer', expires_in: 300, scope: form.get('scope') }));
      } catch (error) {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ error: 'invalid_client', error_description: (error as Error).message }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/token`;
  return { server, url };
}

async function text(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

describe('npm run token', () => {
  let dir: string;
  let server: Server | undefined;
  let out: string;
  let err: string;
  const output = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stroma-token-'));
    out = '';
    err = '';
  });
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function setUp(options: { refuse?: boolean; scope?: string } = {}): Promise<{ seen: Seen[]; url: string }> {
    const { publicJwk, privateJwk } = await keyPair('ES384', { kid: 'dev-key' });
    const seen: Seen[] = [];
    const endpoint = await fakeTokenEndpoint(() => publicJwk, seen, options.refuse);
    server = endpoint.server;
    const file = { client_id: 'stroma-dev-admin', token_url: endpoint.url, private_jwk: { ...privateJwk, alg: 'ES384' }, scope: options.scope ?? 'system/*.cruds' };
    writeFileSync(path.join(dir, 'dev-client.json'), JSON.stringify(file));
    return { seen, url: endpoint.url };
  }

  it('when the dev client file is in DATA_DIR, then only the access token is printed, from a valid one-minute assertion', async () => {
    const { seen, url } = await setUp();
    expect(await runTokenCli([], output, { DATA_DIR: dir })).toBe(0);
    expect(out).toBe('token-for-stroma-dev-admin\n');
    expect(err).toBe('');
    const [{ form, claims, header }] = seen;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'client_credentials', scope: 'system/*.cruds', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect(claims).toMatchObject({ iss: 'stroma-dev-admin', sub: 'stroma-dev-admin', aud: url });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
    expect(claims.jti).toEqual(expect.any(String));
    expect(header).toMatchObject({ alg: 'ES384', kid: 'dev-key', typ: 'JWT' });
  });

  it('when the first start wrote the dev client file, then the token endpoint verifies its assertion with the registered public key', async () => {
    const store = new MemoryAuthStore();
    const registry = new ClientRegistry(store);
    const seen: Seen[] = [];
    // The endpoint looks the client's key up in the store, as the real one does.
    let registered: JWK | undefined;
    const endpoint = await fakeTokenEndpoint(() => registered!, seen);
    server = endpoint.server;
    await ensureDevClient({ registry, dataDir: dir, tokenUrl: endpoint.url, logger: { info: () => undefined } });
    registered = (await registry.get(DEV_CLIENT_ID))!.jwks![0] as JWK;
    expect(await runTokenCli([], output, { DATA_DIR: dir })).toBe(0);
    expect(out).toBe(`token-for-${DEV_CLIENT_ID}\n`);
    expect(seen[0].form.get('scope')).toBe('system/*.cruds');
  });

  it('when it runs twice, then each assertion has its own jti (the endpoint refuses replays)', async () => {
    const { seen } = await setUp();
    await runTokenCli([], output, { DATA_DIR: dir });
    await runTokenCli([], output, { DATA_DIR: dir });
    expect(seen[0].claims.jti).not.toBe(seen[1].claims.jti);
  });

  it('when --scope and --client-file are given, then that file is used and the scope asked for', async () => {
    const { seen } = await setUp();
    expect(await runTokenCli(['--client-file', path.join(dir, 'dev-client.json'), '--scope', 'system/Patient.rs'], output, {})).toBe(0);
    expect(seen[0].form.get('scope')).toBe('system/Patient.rs');
  });

  it('when the endpoint refuses, then its error goes to stderr, nothing to stdout, exit 1', async () => {
    await setUp({ refuse: true });
    expect(await runTokenCli([], output, { DATA_DIR: dir })).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/refused the request \(400 invalid_client: client disabled\)/);
  });

  it('when the file was signed for another key, then the endpoint refuses it (the assertion is really checked)', async () => {
    await setUp();
    const other = await keyPair('ES384', { kid: 'dev-key' });
    const file = path.join(dir, 'dev-client.json');
    const contents = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...contents, private_jwk: other.privateJwk }));
    expect(await runTokenCli([], output, { DATA_DIR: dir })).toBe(1);
    expect(err).toMatch(/signature verification failed/);
  });

  it('when no server listens, then stderr says it could not reach the endpoint, exit 1', async () => {
    const { privateJwk } = await keyPair('ES384');
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ client_id: 'x', token_url: 'http://127.0.0.1:9/auth/token', private_jwk: privateJwk, scope: 'system/*.rs' }));
    expect(await runTokenCli(['--client-file', file], output, {})).toBe(1);
    expect(err).toMatch(/Could not reach the token endpoint http:\/\/127\.0\.0\.1:9\/auth\/token/);
  });

  it('when there is no client file, then stderr explains where it comes from, exit 2', async () => {
    expect(await runTokenCli([], output, { DATA_DIR: dir })).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/No client key file at .*dev-client\.json.*first start|starts on a store without clients/);
  });

  it('when the file holds a public key only, or an option is unknown, then exit 2', async () => {
    const { publicJwk } = await keyPair('ES384');
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ client_id: 'x', token_url: 'http://127.0.0.1:9/auth/token', private_jwk: publicJwk, scope: 'system/*.rs' }));
    expect(await runTokenCli(['--client-file', file], output, {})).toBe(2);
    expect(err).toMatch(/not a private key/);
    expect(await runTokenCli(['--scopes', 'x'], output, {})).toBe(2);
  });
});
