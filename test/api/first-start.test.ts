import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Bundle, ResearchStudy } from '@medplum/fhirtypes';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { freshDatabase, storeName } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `npm run token`, as the README shows it: the token on stdout. */
async function tokenCli(dataDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/token.ts'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
  return stdout.trim();
}

/** A new installation: security on, and still a working token at once. */
describe(`first start (${storeName()})`, () => {
  let server: ServerProcess;
  let dataDir: string;
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stroma-first-start-'));
    const database = await freshDatabase();
    drop = database?.drop;
    // The quick start's defaults (AUTH and SEED_TRIALS unset); PostgreSQL loads the seed trials only when asked.
    env = { AUTH: '', SEED_TRIALS: database ? 'on' : '', PORT: String(await freePort()), DATA_DIR: dataDir, ...(database ? { DATABASE_URL: database.url } : {}) };
    server = await startServer(env);
  });
  afterAll(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the server starts on an empty store, then the local admin key is in data/dev-client.json, readable by its owner only', () => {
    const file = path.join(dataDir, 'dev-client.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ client_id: 'stroma-dev-admin', token_url: `${server.baseUrl.replace(/\/fhir$/, '')}/auth/token` });
  });

  it('when npm run token is run, then its token opens the API, which refuses requests without one', async () => {
    const token = await tokenCli(dataDir);
    expect((await fetch(`${server.baseUrl}/Patient`)).status).toBe(401);
    const res = await fetch(`${server.baseUrl}/Patient`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  const studies = async (token: string): Promise<Bundle> =>
    (await fetch(`${server.baseUrl}/ResearchStudy`, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<Bundle>;
  const nctIds = (bundle: Bundle) =>
    (bundle.entry ?? []).map((e) => (e.resource as ResearchStudy).identifier?.find((i) => i.system === 'https://clinicaltrials.gov')?.value).sort();

  it('when the server has started on an empty store, then GET ResearchStudy returns the three seed trials', async () => {
    const found = await studies(await tokenCli(dataDir));
    expect(nctIds(found)).toEqual(['NCT02213705', 'NCT03562065', 'NCT04356287']);
  });

  it('when the server starts again, then the key file is kept and still works', async () => {
    const before = readFileSync(path.join(dataDir, 'dev-client.json'), 'utf8');
    server.child.kill('SIGTERM');
    await server.exited;
    server = await startServer(env);
    expect(readFileSync(path.join(dataDir, 'dev-client.json'), 'utf8')).toBe(before);
    const token = await tokenCli(dataDir);
    expect((await fetch(`${server.baseUrl}/Patient`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('when the server has started again, then the seed trials are neither duplicated nor rewritten', async () => {
    const found = await studies(await tokenCli(dataDir));
    expect(nctIds(found)).toEqual(['NCT02213705', 'NCT03562065', 'NCT04356287']);
    expect(found.entry?.map((e) => e.resource?.meta?.versionId)).toEqual(['1', '1', '1']);
  });

  it('when a seed study was deleted and the server starts again, then it stays deleted', async () => {
    const token = await tokenCli(dataDir);
    const [first] = (await studies(token)).entry ?? [];
    const deleted = await fetch(`${server.baseUrl}/ResearchStudy/${first.resource?.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(deleted.status).toBe(200);
    server.child.kill('SIGTERM');
    await server.exited;
    server = await startServer(env);
    expect((await studies(await tokenCli(dataDir))).entry).toHaveLength(2);
  });
});
