import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactVerify, CompactSign, importJWK, type JWK } from 'jose';
import { runClientCli } from '../../../src/cli/client-commands';
import { DataDirInUseError } from '../../../src/store/postgres/driver/data-dir-lock';
import { keyPair } from '../auth/clients/keys';
import { MemoryAuthStore } from '../auth/clients/memory-auth-store';

describe('npm run client', () => {
  const tokenUrl = 'http://127.0.0.1:8080/auth/token';
  let dir: string;
  let store: MemoryAuthStore;
  let out: string;
  let err: string;
  let opened: number;
  let closed: number;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stroma-client-cli-'));
    store = new MemoryAuthStore();
    out = '';
    err = '';
    opened = 0;
    closed = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(...argv: string[]): Promise<number> {
    return runClientCli(argv, {
      openStore: async () => {
        opened++;
        return { store, close: async () => void closed++ };
      },
      tokenUrl,
      output: { out: (t) => void (out += t), err: (t) => void (err += t) },
    });
  }

  it('when a client is added with a JWKS file, then it is registered with the role default scope and the store is closed', async () => {
    const { publicJwk } = await keyPair('ES384');
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ keys: [publicJwk] }));
    expect(await run('add', '--id', 'lab-sender', '--name', 'St Elsewhere lab', '--role', 'ehr', '--jwks', path.join(dir, 'keys.json'))).toBe(0);
    expect(out).toBe('Registered client lab-sender (ehr, scope system/Observation.cruds).\n');
    expect(store.clients.get('lab-sender')).toMatchObject({ name: 'St Elsewhere lab', role: 'ehr', jwks: [publicJwk], disabled: false });
    expect([opened, closed]).toEqual([1, 1]);
  });

  it('when the JWKS file holds one JWK, then it is registered as a one-key set', async () => {
    const { publicJwk } = await keyPair('RS384');
    writeFileSync(path.join(dir, 'key.json'), JSON.stringify(publicJwk));
    expect(await run('add', '--id', 'reg', '--name', 'Registry', '--role', 'registry', '--jwks', path.join(dir, 'key.json'), '--scope', 'system/*.read')).toBe(0);
    expect(store.clients.get('reg')).toMatchObject({ jwks: [publicJwk], scope: 'system/*.read' });
  });

  it('when a client is added with a JWKS URL, then the URL is stored', async () => {
    expect(await run('add', '--id', 'reg', '--name', 'Registry', '--role', 'registry', '--jwks-url', 'https://registry.example.org/jwks.json')).toBe(0);
    expect(store.clients.get('reg')?.jwksUrl).toBe('https://registry.example.org/jwks.json');
  });

  it('when --generate-key is given, then the public key is registered and a 0600 file holds the matching private key, client id, token URL and scope', async () => {
    const file = path.join(dir, 'lab.json');
    expect(await run('add', '--id', 'lab', '--name', 'Lab', '--role', 'ehr', '--generate-key', file)).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { client_id: string; token_url: string; scope: string; private_jwk: JWK };
    expect(written).toMatchObject({ client_id: 'lab', token_url: tokenUrl, scope: 'system/Observation.cruds', private_jwk: { kty: 'EC', crv: 'P-384' } });
    const registered = store.clients.get('lab')!;
    expect(JSON.stringify(registered)).not.toContain(String(written.private_jwk.d));
    const signed = await new CompactSign(new TextEncoder().encode('x')).setProtectedHeader({ alg: 'ES384' }).sign(await importJWK(written.private_jwk, 'ES384'));
    await expect(compactVerify(signed, await importJWK(registered.jwks![0], 'ES384'))).resolves.toBeDefined();
    expect(out).toContain(`npm run token -- --client-file ${file}`);
    expect(out).not.toContain(String(written.private_jwk.d));
  });

  it('when --generate-key meets a refused registration or an existing file, then no key file is left or overwritten', async () => {
    const file = path.join(dir, 'lab.json');
    expect(await run('add', '--id', 'lab', '--name', 'Lab', '--role', 'nurse', '--generate-key', file)).toBe(1);
    expect(err).toMatch(/^role: expected one of/);
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(file, 'mine');
    expect(await run('add', '--id', 'lab', '--name', 'Lab', '--role', 'ehr', '--generate-key', file)).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(store.clients.size).toBe(0);
  });

  it('when the JWKS file holds a private key, then it is refused (exit 1) and nothing is stored', async () => {
    const { privateJwk } = await keyPair('ES384');
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ keys: [privateJwk] }));
    expect(await run('add', '--id', 'lab', '--name', 'Lab', '--role', 'ehr', '--jwks', path.join(dir, 'keys.json'))).toBe(1);
    expect(err).toMatch(/jwks\.keys\[0\]: is a private or secret key/);
    expect(store.clients.size).toBe(0);
  });

  it.each([
    [['add', '--id', 'lab', '--name', 'Lab', '--role', 'ehr'], /exactly one of --jwks/],
    [['add', '--id', 'lab', '--name', 'Lab', '--role', 'ehr', '--jwks-url', 'https://a/j', '--jwks', 'k.json'], /exactly one of --jwks/],
    [['add', '--name', 'Lab', '--role', 'ehr', '--jwks-url', 'https://a/j'], /add needs --id/],
    [['add', '--id', 'lab', '--name', 'Lab', '--role', 'ehr', '--jwks', '/nonexistent/keys.json'], /no such file/],
    [['add', '--id', 'lab', '--colour', 'red'], /Unknown option '--colour'/],
    [['show'], /show takes one client id/],
    [['list', 'extra'], /list takes no arguments/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('when the command line is %j, then it is a usage error (exit 2) and the store is not opened', async (argv, message) => {
    expect(await run(...argv)).toBe(2);
    expect(err).toMatch(message);
    expect(err).toContain('npm run client -- add');
    expect(opened).toBe(0);
  });

  it('when clients are listed, then a table shows id, role, status, keys, scope and name', async () => {
    await run('add', '--id', 'reg', '--name', 'National registry', '--role', 'registry', '--jwks-url', 'https://r.example/jwks');
    await run('add', '--id', 'lab-sender', '--name', 'Lab', '--role', 'ehr', '--generate-key', path.join(dir, 'k.json'));
    await run('disable', 'reg');
    out = '';
    expect(await run('list')).toBe(0);
    expect(out.split('\n')).toEqual([
      'ID          ROLE      STATUS    KEYS      SCOPE                     NAME',
      'lab-sender  ehr       enabled   1 inline  system/Observation.cruds  Lab',
      'reg         registry  disabled  url       system/*.rs               National registry',
      '',
    ]);
  });

  it('when there are no clients, then list says so', async () => {
    expect(await run('list')).toBe(0);
    expect(out).toBe('No clients are registered.\n');
  });

  it('when a client is shown, disabled, enabled and removed, then each is reflected in the store', async () => {
    await run('add', '--id', 'reg', '--name', 'Registry', '--role', 'registry', '--jwks-url', 'https://r.example/jwks');
    out = '';
    expect(await run('show', 'reg')).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: 'reg', role: 'registry', jwksUrl: 'https://r.example/jwks', disabled: false });
    expect(await run('disable', 'reg')).toBe(0);
    expect(store.clients.get('reg')?.disabled).toBe(true);
    expect(await run('enable', 'reg')).toBe(0);
    expect(store.clients.get('reg')?.disabled).toBe(false);
    expect(await run('remove', 'reg')).toBe(0);
    expect(store.clients.has('reg')).toBe(false);
  });

  it('when the client is unknown or the id taken, then the error is on stderr with exit 1', async () => {
    expect(await run('show', 'nobody')).toBe(1);
    expect(await run('disable', 'nobody')).toBe(1);
    expect(await run('remove', 'nobody')).toBe(1);
    expect(err).toMatch(/no client "nobody" is registered/);
    await run('add', '--id', 'reg', '--name', 'Registry', '--role', 'registry', '--jwks-url', 'https://r.example/jwks');
    expect(await run('add', '--id', 'reg', '--name', 'Other', '--role', 'admin', '--jwks-url', 'https://o.example/jwks')).toBe(1);
    expect(err).toMatch(/already registered/);
  });

  it('when the embedded store is held by a running server, then it says so and points to the admin API (exit 2)', async () => {
    const code = await runClientCli(['list'], {
      openStore: () => Promise.reject(new DataDirInUseError('The data directory /srv/data is in use by process 4242')),
      tokenUrl,
      output: { out: (t) => void (out += t), err: (t) => void (err += t) },
    });
    expect(code).toBe(2);
    expect(err).toMatch(/in use by process 4242/);
    expect(err).toContain('curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/auth/clients');
  });

  it('when the store fails otherwise, then the error is raised (the entry point reports it)', async () => {
    store.listClients = () => Promise.reject(new Error('connection refused'));
    await expect(run('list')).rejects.toThrow('connection refused');
    expect(closed).toBe(1);
  });
});
