import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Patient, SearchParameter } from '@medplum/fhirtypes';
import pino from 'pino';
import request from 'supertest';
import { buildDependencies, createApp } from '../../src/app';
import { patient } from '../helpers/fixtures';
import { startServer } from '../helpers/server-process';
import { AUTH_OFF, freshDatabase, storeName, TEST_BASE_URL } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');
const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';
const PARAMETER: SearchParameter = {
  resourceType: 'SearchParameter', id: 'patient-birth-place', url: 'https://example.org/fhir/SearchParameter/patient-birth-place',
  name: 'PatientBirthPlace', status: 'active', description: 'City of birth', code: 'birth-place', base: ['Patient'], type: 'string',
  expression: `Patient.extension('${BIRTH_PLACE}').value.ofType(Address).city`,
};
const usesPostgres = process.env.TEST_DATABASE_URL !== undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run reindex` as a child process (what the npm script runs), with the store settings of `env`. */
function reindexCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/reindex.ts', ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe(`npm run reindex (${storeName()})`, () => {
  let work: string;
  let profilesDir: string;
  let store: { DATABASE_URL: string } | { DATA_DIR: string };
  let drop: (() => Promise<void>) | undefined;
  /** The app on this test's store, as a server process would open it. */
  const openApp = async () => {
    const settings = 'DATABASE_URL' in store ? { databaseUrl: store.DATABASE_URL } : { dataDir: store.DATA_DIR };
    const deps = await buildDependencies({ ...settings, dbPoolSize: 2, baseUrl: TEST_BASE_URL, profilesDir, auth: AUTH_OFF }, pino({ level: 'silent' }));
    return { app: createApp({ ...deps, config: { baseUrl: TEST_BASE_URL, bodyLimitBytes: 1 << 20, bundleMaxEntries: 100, auth: AUTH_OFF } }), close: async () => { await deps.security.close(); await deps.repo.close(); } };
  };
  const env = () => ({ ...store, PROFILES_DIR: profilesDir, DATABASE_URL: 'DATABASE_URL' in store ? store.DATABASE_URL : '' });
  const bornIn = (city: string, mrn: string): Patient => ({ ...patient(mrn), extension: [{ url: BIRTH_PLACE, valueAddress: { city } }] });

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'stroma-reindex-'));
    profilesDir = path.join(work, 'profiles');
    mkdirSync(path.join(profilesDir, 'search-parameters'), { recursive: true });
    const database = await freshDatabase();
    drop = database?.drop;
    store = database ? { DATABASE_URL: database.url } : { DATA_DIR: path.join(work, 'data') };
    const first = await openApp();
    for (const [city, mrn] of [['Montreal', 'A'], ['Paris', 'B'], ['Montreal', 'C']]) {
      await request(first.app).post('/fhir/Patient').send(bornIn(city, mrn)).expect(201);
    }
    await first.close();
    // A SearchParameter added to profiles/ after those patients were stored.
    writeFileSync(path.join(profilesDir, 'search-parameters', 'patient-birth-place.json'), JSON.stringify(PARAMETER));
  });
  afterAll(async () => {
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('when a profile parameter is newer than the stored resources, then the CLI rebuilds their rows and the server finds them', async () => {
    const before = await openApp();
    await request(before.app).get('/fhir/Patient?birth-place=Montreal').expect(400);
    await before.close();

    const run = await reindexCli(['--batch-size', '2'], env());
    expect(run).toMatchObject({ code: 0 });
    // The three patients, and the server's copy of the profiles/ SearchParameter (stored at start);
    // the audit trail is not in the resource tables (src/store/audit-log.ts).
    expect(run.stdout).toContain('Reindexed 4 of 4 resources.');
    expect(run.stdout).toContain('Searchable now: Patient.birth-place');

    const after = await openApp();
    const found = await request(after.app).get('/fhir/Patient?birth-place=Montreal').expect(200);
    expect(found.body.total).toBe(2);
    await after.close();
  });

  (usesPostgres ? it.skip : it)('when a server holds the embedded data directory, then the CLI says so and points to --url', async () => {
    const server = await openApp();
    try {
      const run = await reindexCli([], env());
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is in use by process');
      expect(run.stderr).toContain('npm run reindex -- --url');
    } finally {
      await server.close();
    }
  });

  it('when run with --url, then the server at that URL reindexes and the CLI prints its answer', async () => {
    const server = await startServer(env());
    try {
      const run = await reindexCli(['--url', server.baseUrl, '--type', 'Patient'], {});
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout).toContain('Reindexed 3 of 3 resources.');
      const bad = await reindexCli(['--url', server.baseUrl, '--type', 'Nonsense'], {});
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('The server answered 400: Unknown resource type(s): Nonsense');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
