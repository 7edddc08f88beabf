import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle, CapabilityStatement, CodeSystem, OperationOutcome, Resource, StructureDefinition } from '@medplum/fhirtypes';
import pino from 'pino';
import request from 'supertest';
import { buildDependencies, createApp } from '../../src/app';
import { DEFAULT_PROFILES_DIR } from '../../src/config';
import { profileConformanceResources, readProfileFiles } from '../../src/fhir/conformance/profile-files';
import { AUTH_OFF, freshDatabase, storeName, TEST_BASE_URL, useTestApp } from '../helpers/test-app';

const SD = 'https://stroma-fhir.org/fhir/StructureDefinition/';
const TAG = 'https://stroma-fhir.org/fhir/CodeSystem/server-owned|profiles';
const FILES = profileConformanceResources(readProfileFiles(DEFAULT_PROFILES_DIR));
const countOf = (type: string) => FILES.filter((r) => r.resourceType === type).length;

describe(`the conformance resources of profiles/ at /fhir (${storeName()})`, () => {
  const t = useTestApp();
  const get = (url: string) => request(t.app).get(`/fhir/${url}`);

  it('when a profile is read by id or searched by url, then the stored copy carries its snapshot and the server-owned tag', async () => {
    const read = (await get('StructureDefinition/stroma-hemoglobin').expect(200)).body as StructureDefinition;
    expect(read).toMatchObject({ url: `${SD}stroma-hemoglobin`, type: 'Observation', meta: { versionId: '1' } });
    expect(read.snapshot?.element.length).toBeGreaterThan(50);
    expect(read.meta?.tag).toEqual([{ system: 'https://stroma-fhir.org/fhir/CodeSystem/server-owned', code: 'profiles' }]);
    expect(read.meta?.source).toMatch(/^https:\/\/stroma-fhir\.org\/fhir\/profiles\/StructureDefinition\/stroma-hemoglobin#sha256-[0-9a-f]{64}$/);
    const found = (await get(`StructureDefinition?url=${encodeURIComponent(`${SD}stroma-hemoglobin`)}`).expect(200)).body as Bundle;
    expect(found.entry?.map((e) => e.resource?.id)).toEqual(['stroma-hemoglobin']);
  });

  it('when each type is searched by the tag, then every file of profiles/ is served, OperationDefinitions included', async () => {
    for (const type of ['StructureDefinition', 'ValueSet', 'CodeSystem', 'SearchParameter', 'OperationDefinition']) {
      const bundle = (await get(`${type}?_tag=${encodeURIComponent(TAG)}&_summary=count`).expect(200)).body as Bundle;
      expect([type, bundle.total]).toEqual([type, countOf(type)]);
    }
    const valueSet = (await get(`ValueSet?url=${encodeURIComponent('https://stroma-fhir.org/fhir/ValueSet/ctcae-grade')}`).expect(200)).body as Bundle;
    expect(valueSet.entry?.[0].resource).toMatchObject({ resourceType: 'ValueSet', id: 'ctcae-grade' });
    const studyParameters = (await get('SearchParameter?base=Observation').expect(200)).body as Bundle;
    expect(studyParameters.entry?.map((e) => e.resource?.id)).toEqual(['workflow-study']);
    await get('OperationDefinition/reindex').expect(200);
  });

  it('when the CapabilityStatement is read, then each resource lists its profiles as supportedProfile', async () => {
    const statement = (await get('metadata').expect(200)).body as CapabilityStatement;
    const of = (type: string) => statement.rest?.[0].resource?.find((r) => r.type === type)?.supportedProfile ?? [];
    expect(of('Observation')).toEqual(expect.arrayContaining([`${SD}stroma-hemoglobin`, `${SD}stroma-trial-observation`]));
    expect(of('Patient')).toEqual([`${SD}stroma-participant`]);
    expect(of('Observation')).not.toContain(`${SD}dose-per-kg`);
    expect(of('Encounter')).toEqual([]);
  });

  it.each([
    ['PUT', (r: Resource) => request(t.app).put('/fhir/CodeSystem/server-owned').send({ ...r, title: 'Mine now' })],
    ['PATCH', () => request(t.app).patch('/fhir/CodeSystem/server-owned').set('Content-Type', 'application/json-patch+json').send([{ op: 'replace', path: '/title', value: 'x' }])],
    ['DELETE', () => request(t.app).delete('/fhir/CodeSystem/server-owned')],
    ['conditional DELETE', () => request(t.app).delete(`/fhir/CodeSystem?url=${encodeURIComponent('https://stroma-fhir.org/fhir/CodeSystem/server-owned')}`)],
  ])('when a client sends %s on a server-owned copy, then it is refused with 403 and the copy is unchanged', async (_method, send) => {
    const before = (await get('CodeSystem/server-owned').expect(200)).body as CodeSystem;
    const refused = await send(before).expect(403);
    expect((refused.body as OperationOutcome).issue?.[0]).toMatchObject({ severity: 'error', code: 'forbidden' });
    expect((refused.body as OperationOutcome).issue?.[0].diagnostics).toMatch(/CodeSystem\/server-owned .*profiles\/.* read-only/);
    expect(((await get('CodeSystem/server-owned').expect(200)).body as CodeSystem).meta?.versionId).toBe(before.meta?.versionId);
  });

  it('when a client puts the server-owned tag on a resource of its own, then it is refused, also inside a transaction', async () => {
    const tagged = { resourceType: 'ValueSet', status: 'draft', url: 'https://example.org/fhir/ValueSet/sneaky', meta: { tag: [{ system: TAG.split('|')[0], code: 'profiles' }] } };
    await request(t.app).post('/fhir/ValueSet').send(tagged).expect(403);
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [
      { resource: { resourceType: 'Basic', code: { text: 'kept?' } }, request: { method: 'POST', url: 'Basic' } },
      { resource: tagged, request: { method: 'POST', url: 'ValueSet' } },
    ] };
    await request(t.app).post('/fhir').send(bundle).expect(403);
    expect(((await get('Basic?_summary=count').expect(200)).body as Bundle).total).toBe(0);
  });
});

describe(`the profiles/ copies across restarts (${storeName()})`, () => {
  let work: string;
  let profilesDir: string;
  let store: { databaseUrl?: string; dataDir?: string };
  let drop: (() => Promise<void>) | undefined;
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  /** The app on this test's store, as a server process opens it at start. */
  const open = async () => {
    const deps = await buildDependencies({ ...store, dbPoolSize: 2, baseUrl: TEST_BASE_URL, profilesDir, auth: AUTH_OFF }, logger);
    const app = createApp({ ...deps, config: { baseUrl: TEST_BASE_URL, bodyLimitBytes: 1 << 24, bundleMaxEntries: 100, auth: AUTH_OFF } });
    return { app, close: async () => { await deps.security.close(); await deps.repo.close(); } };
  };
  const versionOf = async (app: Awaited<ReturnType<typeof open>>['app'], url: string) => {
    const response = await request(app).get(`/fhir/${url}`);
    return response.status === 200 ? (response.body as Resource).meta?.versionId : response.status;
  };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'stroma-conformance-'));
    profilesDir = path.join(work, 'profiles');
    cpSync(DEFAULT_PROFILES_DIR, profilesDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}fsh`) });
    const database = await freshDatabase();
    drop = database?.drop;
    store = database ? { databaseUrl: database.url } : { dataDir: path.join(work, 'data') };
  });
  afterAll(async () => {
    await drop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('when the server starts again on the same store, then it writes no new version and warns of nothing', async () => {
    const first = await open();
    await first.close();
    const again = await open();
    expect(await versionOf(again.app, 'StructureDefinition/stroma-hemoglobin')).toBe('1');
    const history = (await request(again.app).get('/fhir/StructureDefinition/_history?_count=1000').expect(200)).body as Bundle;
    expect(history.entry?.length).toBe(countOf('StructureDefinition'));
    await again.close();
    expect(warnings).toEqual([]);
  });

  it('when a file changed and another was removed, then the next start writes a version of the first and deletes the copy of the second', async () => {
    const masking = path.join(profilesDir, 'code-systems', 'ctgov-masking.json');
    writeFileSync(masking, JSON.stringify({ ...JSON.parse(readFileSync(masking, 'utf8')), title: 'ClinicalTrials.gov masking' }));
    rmSync(path.join(profilesDir, 'value-sets', 'sf36-scales.json'));
    const restarted = await open();
    expect(await versionOf(restarted.app, 'CodeSystem/ctgov-masking')).toBe('2');
    expect(await versionOf(restarted.app, 'ValueSet/sf36-scales')).toBe(410);
    expect(await versionOf(restarted.app, 'CodeSystem/ctgov-allocation')).toBe('1');
    await restarted.close();
    expect(warnings).toEqual([]);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)('when two servers start at once on one PostgreSQL database, then each copy is written once', async () => {
    const database = await freshDatabase();
    const settings = { databaseUrl: database?.url, dbPoolSize: 2, baseUrl: TEST_BASE_URL, profilesDir };
    try {
      const both = await Promise.all([buildDependencies(settings, logger), buildDependencies(settings, logger)]);
      const history = await both[0].repo.history({ resourceType: 'StructureDefinition', count: 1000 });
      expect(history.versions.length).toBe(countOf('StructureDefinition'));
      await Promise.all(both.map(async (deps) => { await deps.security.close(); await deps.repo.close(); }));
    } finally {
      await database?.drop();
    }
  });
});
