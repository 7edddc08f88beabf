import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { freshDatabase, storeName } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');
const record = (nctId: string) => path.join(ROOT, 'bundles', 'ctgov', `${nctId}.json`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run import:ctgov` as a child process (what the npm script runs). */
function importCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/import-ctgov.ts', ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe(`npm run import:ctgov (${storeName()})`, () => {
  let work: string;
  let store: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'stroma-import-'));
    const database = await freshDatabase();
    drop = database?.drop;
    // The import is under test: no seed trials loaded first (the CLI would, on a new embedded store).
    store = { SEED_TRIALS: 'off', ...(database ? { DATABASE_URL: database.url } : { DATA_DIR: path.join(work, 'data'), DATABASE_URL: '' }) };
  });
  afterAll(async () => {
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  test('when two records are imported into the store, then each is summarized, and importing again creates nothing', async () => {
    const first = await importCli([record('NCT04356287'), record('NCT02213705')], store);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/NCT04356287\.json: ResearchStudy\/[\w-]+, \d+ resources \(\d+ created, 0 updated or unchanged\)/);
    expect(first.stdout).toMatch(/NCT02213705\.json: ResearchStudy\/[\w-]+, \d+ resources/);
    const again = await importCli([record('NCT04356287')], store);
    expect(again.stdout).toMatch(/\(0 created, \d+ updated or unchanged\)/);
  });

  test('when one record is malformed and one file is missing, then they are named, exit 1, and the good one is imported', async () => {
    const bad = path.join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ protocolSection: { identificationModule: { nctId: 'NCT1', briefTitle: 'x' }, statusModule: {} } }));
    const run = await importCli([bad, path.join(work, 'missing.json'), record('NCT03562065')], store);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.json: refused (400)');
    expect(run.stderr).toContain('protocolSection.identificationModule.nctId');
    expect(run.stderr).toContain('missing.json: cannot read a JSON record');
    expect(run.stdout).toMatch(/NCT03562065\.json: ResearchStudy\//);
  });

  describe('with --url, against a running server', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServer(store);
    });
    afterAll(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    });

    test('when a record is sent to the server, then the server imports it and the study is there', async () => {
      const run = await importCli([record('NCT03562065'), '--url', server.baseUrl], {});
      expect(run.code).toBe(0);
      const found = await fetch(`${server.baseUrl}/ResearchStudy?_summary=count`).then((r) => r.json() as Promise<Bundle>);
      expect(found.total).toBe(3);
    });
  });
});
