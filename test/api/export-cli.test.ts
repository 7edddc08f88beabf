import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { readClientKeyFile, requestAccessToken } from '../../src/cli/token';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { freshDatabase, storeName } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run export` as a child process (what the npm script runs). `onStderr` sees the error output as
 * it comes, and may signal the process (Ctrl-C).
 */
function exportCli(args: string[], env: Record<string, string>, onStderr: (text: string, child: ReturnType<typeof spawn>) => void = () => {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/export.ts', ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr(stderr, child);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Resource);

describe(`npm run export against the server (${storeName()})`, () => {
  let work: string;
  let server: ServerProcess;
  let token: string;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'stroma-export-cli-'));
    const database = await freshDatabase();
    drop = database?.drop;
    const dataDir = path.join(work, 'data');
    // Security on, as in production: the first start writes the admin client's key to DATA_DIR, with
    // the token URL of its BASE_URL, so the port is chosen here rather than by the OS.
    server = await startServer({ AUTH: 'on', SEED_TRIALS: 'on', PORT: String(await freePort()), DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '' });
    const keyFile = readClientKeyFile(path.join(dataDir, 'dev-client.json'));
    token = await requestAccessToken(keyFile, keyFile.scope);
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  async function enrollmentGroup(): Promise<string> {
    const res = await fetch(`${server.baseUrl}/ResearchStudy?identifier=NCT04356287`, { headers: { authorization: `Bearer ${token}` } });
    const study = ((await res.json()) as Bundle).entry?.[0]?.resource as { enrollment: { reference: string }[] };
    return study.enrollment[0].reference.split('/')[1];
  }

  it("when a study's enrollment Group is exported, then its files and manifest.json are in the directory and the job is removed from the server", async () => {
    const out = path.join(work, 'group');
    const run = await exportCli(['--group', await enrollmentGroup(), '--out', out, '--url', server.baseUrl], { STROMA_TOKEN: token });
    expect(run.stderr).toContain('Export started: ');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { output: { type: string; url: string; count: number }[] };
    const files = readdirSync(out).filter((f) => f.endsWith('.ndjson'));
    expect(files.sort()).toEqual(manifest.output.map((f) => new URL(f.url).pathname.split('/').pop()).sort());
    const resources = files.flatMap((f) => lines(path.join(out, f)));
    expect(resources.filter((r) => r.resourceType === 'ResearchStudy')).toHaveLength(1);
    expect(resources.some((r) => r.resourceType === 'Group')).toBe(true);
    expect(resources).toHaveLength(manifest.output.reduce((n, f) => n + f.count, 0));
    expect(run.stdout).toContain('ResearchStudy: 1 resources in 1 file(s)');
    const statusUrl = /Export started: (\S+)/.exec(run.stderr)?.[1] as string;
    expect((await fetch(statusUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('when Ctrl-C comes while the job runs, then the CLI cancels it on the server, exits 130 and writes no manifest', async () => {
    const out = path.join(work, 'cancelled');
    let interrupted = false;
    const run = await exportCli(['--system', '--out', out, '--url', server.baseUrl], { STROMA_TOKEN: token }, (stderr, child) => {
      if (interrupted || !stderr.includes('Export started: ')) return;
      interrupted = true;
      child.kill('SIGINT');
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Cancelled');
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
    const statusUrl = /Export started: (\S+)/.exec(run.stderr)?.[1] as string;
    expect((await fetch(statusUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('when the token is missing, then the CLI says what the server answered and exits 1', async () => {
    const run = await exportCli(['--system', '--out', path.join(work, 'refused'), '--url', server.baseUrl], { STROMA_TOKEN: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/The export was refused \(HTTP 401\)/);
  });
});
