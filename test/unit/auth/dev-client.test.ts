import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactVerify, CompactSign, importJWK, type JWK } from 'jose';
import { ClientRegistry } from '../../../src/auth/clients/client-registry';
import { DEV_CLIENT_ID, ensureDevClient } from '../../../src/auth/dev-client';
import { DuplicateClientError, type RegisteredClient } from '../../../src/store/auth-store';
import { MemoryAuthStore } from './clients/memory-auth-store';

describe('ensureDevClient', () => {
  const tokenUrl = 'http://127.0.0.1:8080/auth/token';
  let dataDir: string;
  let store: MemoryAuthStore;
  let logged: string[];
  const logger = { info: (message: string) => void logged.push(message) };

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stroma-dev-client-'));
    store = new MemoryAuthStore();
    logged = [];
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when no client exists, then an admin client is registered and its private key written (0600) that matches the registered public key', async () => {
    const file = await ensureDevClient({ registry: new ClientRegistry(store), dataDir, tokenUrl, logger });
    expect(file).toBe(path.join(dataDir, 'dev-client.json'));
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file!, 'utf8')) as { client_id: string; token_url: string; scope: string; private_jwk: JWK & { d: string } };
    expect(written).toMatchObject({ client_id: DEV_CLIENT_ID, token_url: tokenUrl, scope: 'system/*.cruds', private_jwk: { kty: 'EC', crv: 'P-384', alg: 'ES384' } });
    expect(written.private_jwk.d).toBeDefined();

    const client = store.clients.get(DEV_CLIENT_ID) as RegisteredClient;
    expect(client).toMatchObject({ role: 'admin', scope: 'system/*.cruds', disabled: false });
    expect(JSON.stringify(client)).not.toContain(written.private_jwk.d);
    const signed = await new CompactSign(new TextEncoder().encode('hello')).setProtectedHeader({ alg: 'ES384' }).sign(await importJWK(written.private_jwk, 'ES384'));
    await expect(compactVerify(signed, await importJWK(client.jwks![0], 'ES384'))).resolves.toBeDefined();
  });

  it('when it creates the client, then one info line names the file and npm run token, never the key', async () => {
    const file = await ensureDevClient({ registry: new ClientRegistry(store), dataDir, tokenUrl, logger });
    const { private_jwk } = JSON.parse(readFileSync(file!, 'utf8')) as { private_jwk: { d: string } };
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(file);
    expect(logged[0]).toContain('npm run token');
    expect(logged[0]).not.toContain(private_jwk.d);
  });

  it('when any client exists, then nothing is registered, written or logged, and an existing file is left alone', async () => {
    const registry = new ClientRegistry(store);
    await registry.add({ id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://lab.example/jwks' });
    writeFileSync(path.join(dataDir, 'dev-client.json'), 'previous');
    expect(await ensureDevClient({ registry, dataDir, tokenUrl, logger })).toBeUndefined();
    expect([...store.clients.keys()]).toEqual(['lab']);
    expect(readFileSync(path.join(dataDir, 'dev-client.json'), 'utf8')).toBe('previous');
    expect(logged).toEqual([]);
  });

  it('when it runs again after creating the client, then the file stays the one that works', async () => {
    const registry = new ClientRegistry(store);
    const file = await ensureDevClient({ registry, dataDir, tokenUrl, logger });
    const first = readFileSync(file!, 'utf8');
    expect(await ensureDevClient({ registry, dataDir, tokenUrl, logger })).toBeUndefined();
    expect(readFileSync(file!, 'utf8')).toBe(first);
  });

  it('when another process registers the client first, then no file is written and no staged key is left behind', async () => {
    store.addClient = () => Promise.reject(new DuplicateClientError('taken'));
    expect(await ensureDevClient({ registry: new ClientRegistry(store), dataDir, tokenUrl, logger })).toBeUndefined();
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('when the store fails, then the error is raised and no key file is left behind', async () => {
    store.addClient = () => Promise.reject(new Error('disk full'));
    await expect(ensureDevClient({ registry: new ClientRegistry(store), dataDir, tokenUrl, logger })).rejects.toThrow('disk full');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('when the data directory does not exist yet, then it is created', async () => {
    const nested = path.join(dataDir, 'new', 'data');
    expect(await ensureDevClient({ registry: new ClientRegistry(store), dataDir: nested, tokenUrl, logger })).toBe(path.join(nested, 'dev-client.json'));
  });
});
