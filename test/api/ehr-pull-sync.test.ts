import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditEvent, Bundle, Endpoint, Observation, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import request from 'supertest';
import { pullServices } from '../../src/app';
import { syncCommand } from '../../src/cli/sync';
import { loadConfig } from '../../src/config';
import { syncPass } from '../../src/sync/pull/pull-sync';
import type { RunRecord } from '../../src/sync/pull/run-record';
import { claimLease } from '../../src/sync/pull/run-lease';
import type { PullServices } from '../../src/sync/pull/sync-endpoint';
import { tokenFor } from '../helpers/auth';
import { EHR_MRN, startTestEhr, type TestEhr } from '../helpers/ehr-fhir-server';
import { patient } from '../helpers/fixtures';
import { makeParticipant } from '../helpers/participant';
import { storeName, useTestApp } from '../helpers/test-app';

const KEY_REF = 'hospital-a';

function endpointResource(ehr: TestEhr, keyRef = KEY_REF): Endpoint {
  const part = (url: string, value: Record<string, string>) => ({ url, ...value });
  return {
    resourceType: 'Endpoint',
    status: 'active',
    name: 'Hospital A EHR',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-rest' },
    payloadType: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type', code: 'any' }] }],
    address: ehr.base,
    extension: [{
      url: 'https://stroma-fhir.org/fhir/StructureDefinition/smart-backend-client',
      extension: [
        part('tokenUrl', { valueUrl: ehr.tokenUrl }),
        part('clientId', { valueString: ehr.client.clientId }),
        part('kid', { valueString: ehr.client.kid }),
        part('alg', { valueCode: ehr.client.alg }),
        part('keyRef', { valueString: keyRef }),
        part('patientIdentifierSystem', { valueUri: EHR_MRN }),
      ],
    }],
  };
}

const parts = (p: ParametersParameter | undefined) => Object.fromEntries((p?.part ?? []).map((x) => [x.name, x]));

/** Issue 9, point 4: results pulled from an EHR's FHIR API. */
describe(`EHR pull sync (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let ehr: TestEhr;
  let keysDir: string;
  let admin: Record<string, string>;
  let endpointId: string;
  let services: PullServices;
  const waits: number[] = [];
  const stroma: Record<string, string> = {};
  const remote: Record<string, string> = {};

  beforeAll(async () => {
    ehr = await startTestEhr();
    keysDir = mkdtempSync(path.join(tmpdir(), 'stroma-sync-keys-'));
    writeFileSync(path.join(keysDir, `${KEY_REF}.json`), JSON.stringify({ keys: [ehr.client.privateJwk] }), { mode: 0o600 });
    admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    for (const mrn of ['P-1', 'P-2', 'P-3']) {
      stroma[mrn] = `Patient/${(await request(t.app).post('/fhir/Patient').set(admin).send(patient(mrn)).expect(201)).body.id}`;
      remote[mrn] = await ehr.addPatient(mrn);
    }
    await makeParticipant(t.app, stroma['P-1'], admin);
    await makeParticipant(t.app, stroma['P-2'], admin);
    for (const value of [11, 11.5, 12, 12.5, 13]) await ehr.addResult(remote['P-1'], '718-7', value);
    await ehr.addResult(remote['P-3'], '718-7', 10);
    endpointId = (await request(t.app).post('/fhir/Endpoint').set(admin).send(endpointResource(ehr)).expect(201)).body.id;
    const sync = { ...loadConfig({}).sync, keysDir, pageSize: 2 };
    services = pullServices(t.deps, sync, {
      retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 5000 },
      hooks: { sleep: async (ms) => void waits.push(ms) },
      timeoutMs: 5000,
    });
  });
  afterAll(async () => {
    await ehr.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const run = async (): Promise<RunRecord> => {
    const [pass] = await syncPass(services, { endpointId });
    if (pass.result === 'busy') throw new Error('busy');
    return pass.result;
  };
  const storedFor = async (mrn: string): Promise<Observation[]> => {
    const res = await request(t.app).get(`/fhir/Observation?subject=${stroma[mrn]}&_count=100`).set(admin).expect(200);
    return ((res.body as Bundle).entry ?? []).map((e) => e.resource as Observation);
  };
  const status = async (): Promise<Parameters> => (await request(t.app).get(`/fhir/Endpoint/${endpointId}/$sync-status`).set(admin).expect(200)).body;
  const markOf = (answer: Parameters, mrn: string) =>
    answer.parameter?.filter((p) => p.name === 'watermark').map(parts).find((p) => p.patient.valueReference?.reference === stroma[mrn])?.lastUpdated.valueInstant;

  it('when an Endpoint names its key by a path, then it is refused: keys are plain names in SYNC_KEYS_DIR', async () => {
    const res = await request(t.app).post('/fhir/Endpoint').set(admin).send(endpointResource(ehr, '../../etc/key')).expect(422);
    expect(JSON.stringify(res.body)).toContain('smart-backend-key-ref');
  });

  it('when participants have results at the EHR, then one run stores each once for their Patient, following the next links, and asks nothing for a non-participant', async () => {
    const record = await run();
    expect(record).toMatchObject({ outcome: 'succeeded', failures: [] });
    expect(record.counts).toEqual({ patients: 3, skipped: 1, failed: 0, pages: 4, received: 5, stored: 5, refused: {} });
    const stored = await storedFor('P-1');
    expect(stored.map((o) => o.valueQuantity?.value).sort()).toEqual([11, 11.5, 12, 12.5, 13]);
    for (const result of stored) {
      expect(result.meta?.source).toBe(`https://stroma-fhir.org/fhir/client/Endpoint%2F${endpointId}`);
      expect(result.identifier).toContainEqual({ system: `${ehr.base}/Observation`, value: expect.any(String) });
      expect(result.performer).toBeUndefined();
    }
    expect(await storedFor('P-3')).toEqual([]);
    const asked = ehr.requests.filter((r) => r.startsWith('/fhir/Observation'));
    expect(asked.some((r) => r.includes('P-3'))).toBe(false);
    expect(asked.filter((r) => r.includes('P-1')).map((r) => new URLSearchParams(r.split('?')[1]).get('_offset'))).toEqual([null, '2', '4']);
    expect(new URLSearchParams(asked[0].split('?')[1]).get('code')).toContain('http://loinc.org|718-7');
    expect(ehr.tokenRequests).toBe(1);
  });

  it('when the run is repeated after changes at the EHR, then only results changed since the mark are asked for, and a changed one updates the stored one', async () => {
    const before = await status();
    const mark = markOf(before, 'P-1') as string;
    const [first] = (await ehr.repo.search<Observation>({ resourceType: 'Observation', count: 1 })).entry ?? [];
    await ehr.repo.updateResource<Observation>({ ...(first.resource as Observation), status: 'corrected', valueQuantity: { ...first.resource?.valueQuantity, value: 10.5 } });
    await ehr.addResult(remote['P-1'], '718-7', 14);
    ehr.requests.length = 0;
    const record = await run();
    expect(ehr.requests[0]).toContain(`_lastUpdated=${encodeURIComponent(`gt${mark}`)}`);
    expect(record.counts).toMatchObject({ received: 2, stored: 2 });
    const stored = await storedFor('P-1');
    expect(stored).toHaveLength(6);
    const corrected = stored.find((o) => o.identifier?.some((i) => i.value === first.resource?.id));
    expect(corrected).toMatchObject({ status: 'corrected', valueQuantity: { value: 10.5 }, meta: { versionId: '2' } });
  });

  it('when the EHR answers 429 with Retry-After, then 503, then drops the connection, then the request is retried and the run succeeds', async () => {
    await ehr.addResult(remote['P-1'], '718-7', 15);
    const first = (url: URL) => url.searchParams.get('patient.identifier')?.endsWith('P-1') === true;
    ehr.faults.push(
      { when: first, kind: 'status', status: 429, headers: { 'Retry-After': '2' }, times: 1 },
      { when: first, kind: 'status', status: 503, times: 1 },
      { when: first, kind: 'drop', times: 1 },
    );
    waits.length = 0;
    const record = await run();
    expect(record).toMatchObject({ outcome: 'succeeded', counts: { received: 1, stored: 1 } });
    expect(waits[0]).toBe(2000);
    expect(waits.slice(1)).toHaveLength(2);
    for (const [i, wait] of waits.slice(1).entries()) expect(wait).toBeLessThan(20 * 2 ** (i + 1));
    expect(ehr.faults.every((f) => f.times === 0)).toBe(true);
    expect(await storedFor('P-1')).toHaveLength(7);
  });

  it('when the EHR refuses a token before its time (401), then a new token is asked for and the request made again', async () => {
    await ehr.addResult(remote['P-1'], '718-7', 15.5);
    ehr.faults.push({ when: (url) => url.searchParams.get('patient.identifier')?.endsWith('P-1') === true, kind: 'status', status: 401, times: 1 });
    const tokensBefore = ehr.tokenRequests;
    const record = await run();
    expect(record).toMatchObject({ outcome: 'succeeded', counts: { received: 1, stored: 1 } });
    expect(ehr.tokenRequests - tokensBefore).toBe(2);
  });

  it('when the EHR fails page 2 for good, then the mark stays where page 1 was committed, and a later run resumes without duplicates', async () => {
    const added: Observation[] = [];
    for (const value of [9, 9.5, 10, 10.5, 11]) added.push(await ehr.addResult(remote['P-2'], '718-7', value));
    const secondPage = (url: URL) => url.searchParams.get('patient.identifier')?.endsWith('P-2') === true && url.searchParams.get('_offset') === '2';
    const fault = { when: secondPage, kind: 'status' as const, status: 500, times: Infinity };
    ehr.faults.push(fault);
    const failed = await run();
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/500.*\(4 attempts\)/);
    expect(await storedFor('P-2')).toHaveLength(2);
    const after = await status();
    // Page 1 held the first two results; the second's instant could go on in page 2, so the mark is the first's.
    expect(markOf(after, 'P-2')).toBe(added[0].meta?.lastUpdated);
    expect(parts(after.parameter?.find((p) => p.name === 'lastRun'))).toMatchObject({ outcome: { valueCode: 'failed' }, error: { valueString: expect.stringContaining('500') } });

    fault.times = 0;
    const resumed = await run();
    expect(resumed.outcome).toBe('succeeded');
    expect(resumed.counts).toMatchObject({ received: 4, stored: 4 });
    const stored = await storedFor('P-2');
    expect(stored.map((o) => o.valueQuantity?.value).sort()).toEqual([10, 10.5, 11, 9, 9.5]);
    expect(stored.every((o) => o.meta?.versionId === '1')).toBe(true);
    expect(markOf(await status(), 'P-2')).toBe(added[4].meta?.lastUpdated);
  });

  it('when the EHR refuses one participant\'s search (4xx), then that participant\'s failure is recorded and the run goes on for the others', async () => {
    await ehr.addResult(remote['P-1'], '718-7', 16);
    await ehr.addResult(remote['P-2'], '718-7', 8);
    ehr.faults.push({ when: (url) => url.searchParams.get('patient.identifier')?.endsWith('P-2') === true, kind: 'status', status: 403, times: 1 });
    const record = await run();
    expect(record).toMatchObject({ outcome: 'failed', counts: { failed: 1, received: 1, stored: 1 } });
    expect(record.error).toBeUndefined();
    expect(record.failures).toEqual([{ patient: stroma['P-2'], error: expect.stringMatching(/403: injected$/) }]);
    expect(await run()).toMatchObject({ outcome: 'succeeded', counts: { received: 1, stored: 1 } });
  });

  it('when the EHR ignores the code filter, then results outside the study panel are refused as outside-panel and not stored', async () => {
    ehr.ignoreCode = true;
    try {
      await ehr.addResult(remote['P-1'], '2345-7', 5.4);
      const record = await run();
      expect(record.counts).toMatchObject({ received: 1, stored: 0, refused: { 'outside-panel': 1 } });
      expect(await storedFor('P-1')).toHaveLength(9);
    } finally {
      ehr.ignoreCode = false;
    }
  });

  it('when $sync-status is asked, then it reports the last run, its counts, the watermarks and the lag, to admins and investigators only', async () => {
    const investigator = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    const res = await request(t.app).get(`/fhir/Endpoint/${endpointId}/$sync-status`).set(investigator).expect(200);
    const answer = res.body as Parameters;
    const byName = Object.fromEntries((answer.parameter ?? []).map((p) => [p.name, p]));
    expect(byName.running.valueBoolean).toBe(false);
    expect(parts(byName.lastRun)).toMatchObject({ outcome: { valueCode: 'succeeded' }, start: { valueInstant: expect.any(String) }, end: { valueInstant: expect.any(String) } });
    const refused = parts(byName.counts).refused;
    expect(parts(refused)).toEqual({ reason: { name: 'reason', valueCode: 'outside-panel' }, count: { name: 'count', valueInteger: 1 } });
    expect(markOf(answer, 'P-1')).toEqual(expect.any(String));
    expect(markOf(answer, 'P-3')).toBeUndefined();
    expect(byName.lag.valueQuantity).toMatchObject({ unit: 's', code: 's', value: expect.any(Number) });
    const ehrClient = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'ehr')}` };
    await request(t.app).get(`/fhir/Endpoint/${endpointId}/$sync-status`).set(ehrClient).expect(403);
    await request(t.app).get('/fhir/Endpoint/nope/$sync-status').set(admin).expect(404);
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(new RegExp(`stroma_sync_lag_seconds\\{endpoint="${endpointId}"\\} \\d+`));
    expect(metrics.text).toMatch(new RegExp(`stroma_sync_runs_total\\{endpoint="${endpointId}",outcome="failed"\\} 2`));
    expect(metrics.text).toMatch(/stroma_ehr_results_refused_total\{channel="fhir-pull",reason="outside-panel"\} 1/);
  });

  it('when runs stored results, then the audit trail records the Endpoint as the writer and the Observations written', async () => {
    await t.deps.security.audit.flush();
    const res = await request(t.app).get(`/fhir/AuditEvent?altid=Endpoint/${endpointId}&subtype=sync`).set(admin).expect(200);
    const written = ((res.body as Bundle).entry ?? []).flatMap((e) => ((e.resource as AuditEvent).entity ?? []).map((x) => x.what?.reference ?? ''));
    expect(written).toContainEqual(expect.stringMatching(/^Observation\//));
  });

  it('when another run holds the Endpoint, then a pass leaves it alone', async () => {
    const other = await claimLease(t.repo, `${endpointId}`, 'another process', 60_000);
    expect(other).toBeDefined();
    expect(await syncPass(services, { endpointId })).toEqual([{ endpoint: endpointId, result: 'busy' }]);
    expect(await claimLease(t.repo, endpointId, 'a third', 60_000)).toBeUndefined();
  });
});

describe(`npm run sync (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let ehr: TestEhr;
  let keysDir: string;
  let services: PullServices;
  const output = { out: '', err: '' };
  const capture = { out: (s: string) => void (output.out += s), err: (s: string) => void (output.err += s) };

  beforeAll(async () => {
    ehr = await startTestEhr();
    keysDir = mkdtempSync(path.join(tmpdir(), 'stroma-sync-keys-'));
    writeFileSync(path.join(keysDir, `${KEY_REF}.json`), JSON.stringify({ keys: [ehr.client.privateJwk] }));
    const admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    const participant = `Patient/${(await request(t.app).post('/fhir/Patient').set(admin).send(patient('C-1')).expect(201)).body.id}`;
    await makeParticipant(t.app, participant, admin);
    await ehr.addResult(await ehr.addPatient('C-1'), '718-7', 12);
    await request(t.app).post('/fhir/Endpoint').set(admin).send(endpointResource(ehr)).expect(201);
    await request(t.app).post('/fhir/Endpoint').set(admin).send(endpointResource(ehr, 'no-such-key')).expect(201);
    services = pullServices(t.deps, { ...loadConfig({}).sync, keysDir }, { hooks: { sleep: async () => undefined } });
  });
  afterAll(async () => {
    await ehr.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('when run over every active Endpoint, then each run is printed with its counts, and a failed one makes exit 1', async () => {
    const code = await syncCommand([], services, capture);
    expect(code).toBe(1);
    expect(output.out).toMatch(/Endpoint\/[\w-]+: succeeded in [\d.]+ s: 1 participants \(0 in no active study, 0 failed\), 1 pages, 1 results received, 1 stored, 0 refused/);
    expect(output.out).toMatch(/Endpoint\/[\w-]+: failed in/);
    expect(output.err).toMatch(/No access token from the EHR: The signing key file .*no-such-key\.json of keyRef no-such-key: no such file/);
  });

  it('when the arguments are wrong or name no Endpoint, then exit 2 with the reason', async () => {
    expect(await syncCommand(['--bogus'], services, capture)).toBe(2);
    expect(await syncCommand(['--endpoint', 'nope'], services, capture)).toBe(2);
    expect(output.err).toContain('No Endpoint/nope');
  });
});
