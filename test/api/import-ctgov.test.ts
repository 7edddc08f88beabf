import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, CapabilityStatement, ResearchStudy } from '@medplum/fhirtypes';
import request from 'supertest';
import { ctgovToBundle } from '../../src/trial/ctgov';
import { tokenFor } from '../helpers/auth';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const NCT_IDS = ['NCT04356287', 'NCT02213705', 'NCT03562065'];
const record = (nctId: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'bundles', 'ctgov', `${nctId}.json`), 'utf8')) as Record<string, unknown>;
const IMPORT = '/fhir/ResearchStudy/$import-ctgov';
const seedBundle = (nctId: string): Bundle =>
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'bundles', 'trials', `${nctId}.json`), 'utf8')) as Bundle;
const SAMPLES = path.join(__dirname, '..', '..', '..', 'shared', 'conformance', 'ctgov-samples');

describe(`POST ResearchStudy/$import-ctgov (${storeName()})`, () => {
  const t = useTestApp();

  const total = async (type: string): Promise<number> =>
    ((await request(t.app).get(`/fhir/${type}?_summary=count`).expect(200)).body as Bundle).total as number;

  test.each(NCT_IDS)('when %s is imported twice, then it is stored as its seed bundle, and the second import changes nothing', async (nctId) => {
    const first = await request(t.app).post(IMPORT).set('content-type', 'application/json').send(record(nctId)).expect(200);
    // A seed trial comes back as its bundle of bundles/trials: the record with its supplement.
    const mapped = seedBundle(nctId);
    expect((first.body as Bundle).type).toBe('transaction-response');
    // The study is new; an Organization another seed trial shares (AP-HP) may already be there.
    const statuses = (first.body as Bundle).entry?.map((e) => e.response?.status) ?? [];
    expect(statuses).toHaveLength(mapped.entry?.length ?? -1);
    expect(statuses[0]).toBe('201 Created');

    const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${nctId}`).expect(200);
    const stored = (found.body as Bundle).entry?.map((e) => e.resource as ResearchStudy) ?? [];
    expect(stored).toHaveLength(1);
    const expected = mapped.entry?.[0].resource as ResearchStudy;
    // Round trip: what comes back is what was mapped, but for the server's id and meta and the references it resolved.
    const { id: _id, meta: _meta, enrollment, sponsor, site, protocol, principalInvestigator, ...content } = stored[0];
    const { enrollment: e0, sponsor: s0, site: l0, protocol: p0, principalInvestigator: i0, ...expectedContent } = expected;
    expect(content).toEqual(expectedContent);
    for (const [got, wanted] of [[enrollment, e0], [sponsor ? [sponsor] : undefined, s0 ? [s0] : undefined], [site, l0], [protocol, p0], [principalInvestigator ? [principalInvestigator] : undefined, i0 ? [i0] : undefined]] as const) {
      expect(got?.length).toBe(wanted?.length);
      for (const reference of got ?? []) expect(reference.reference).toMatch(/^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]+$/);
    }

    const again = await request(t.app).post(IMPORT).set('content-type', FHIR_JSON).send(record(nctId)).expect(200);
    expect(new Set((again.body as Bundle).entry?.map((e) => e.response?.status))).toEqual(new Set(['200 OK']));
    const reread = await request(t.app).get(`/fhir/ResearchStudy/${stored[0].id}`).expect(200);
    expect(reread.body.meta.versionId).toBe('1');
  });

  test('when a registry record with no supplement is imported, then its study is the mapped record', async () => {
    const sample = JSON.parse(readFileSync(path.join(SAMPLES, 'NCT04175379.json'), 'utf8')) as Record<string, unknown>;
    await request(t.app).post(IMPORT).send(sample).expect(200);
    const found = await request(t.app).get('/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|NCT04175379').expect(200);
    const { id: _id, meta: _meta, enrollment: _e, sponsor: _s, site: _l, protocol: _p, principalInvestigator: _i, ...content } = (found.body as Bundle).entry?.[0].resource as ResearchStudy;
    const { enrollment: _e0, sponsor: _s0, site: _l0, protocol: _p0, principalInvestigator: _i0, ...expected } = ctgovToBundle(sample).entry?.[0].resource as ResearchStudy;
    expect(content).toEqual(expected);
  });

  test('when the three are imported again, then there are still four studies and no duplicate of the sponsor they share', async () => {
    for (const nctId of NCT_IDS) await request(t.app).post(IMPORT).send(record(nctId)).expect(200);
    expect(await total('ResearchStudy')).toBe(4);
    const aphp = await request(t.app).get('/fhir/Organization?name=Assistance').expect(200);
    expect((aphp.body as Bundle).entry).toHaveLength(1);
  });

});

describe(`$import-ctgov of a malformed record (${storeName()})`, () => {
  const t = useTestApp();
  const total = async (type: string): Promise<number> =>
    ((await request(t.app).get(`/fhir/${type}?_summary=count`).expect(200)).body as Bundle).total as number;

  describe('when the record is malformed, then 400 names the field and nothing is written', () => {
    const cases: [string, (r: Record<string, unknown>) => unknown, string][] = [
      ['a record without protocolSection', () => ({ derivedSection: {} }), 'protocolSection'],
      ['an NCT number of the wrong shape', (r) => withField(r, ['identificationModule', 'nctId'], 'NCT123'), 'protocolSection.identificationModule.nctId'],
      ['an unknown overall status', (r) => withField(r, ['statusModule', 'overallStatus'], 'SLEEPING'), 'protocolSection.statusModule.overallStatus'],
      ['an enrollment count that is not a number', (r) => withField(r, ['designModule', 'enrollmentInfo', 'count'], 'eighteen'), 'protocolSection.designModule.enrollmentInfo.count'],
      ['an arm of unknown type', (r) => withArmType(r, 'MAGIC'), 'protocolSection.armsInterventionsModule.armGroups[0].type'],
      ['a JSON array', () => [], '(record)'],
    ];
    test.each(cases)('%s', async (_name, breakIt, field) => {
      const response = await request(t.app).post(IMPORT).send(breakIt(record('NCT04356287')) as object).expect(400);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0].expression).toEqual([field]);
      expect(response.body.issue[0].diagnostics).toContain(field);
      expect(await total('ResearchStudy')).toBe(0);
      expect(await total('Organization')).toBe(0);
    });
  });

  test('when the mapped study breaks its profile (two arms with one label), then 422 and nothing is written', async () => {
    const broken = record('NCT04356287');
    const arms = (broken.protocolSection as Record<string, Record<string, unknown>>).armsInterventionsModule.armGroups as { label: string }[];
    arms[1].label = arms[0].label;
    const response = await request(t.app).post(IMPORT).send(broken).expect(422);
    expect(JSON.stringify(response.body.issue)).toContain('stroma-arm-names-unique');
    expect(await total('ResearchStudy')).toBe(0);
    expect(await total('Group')).toBe(0);
  });

  test('when the body is a FHIR resource, then 400 says a registry record is expected', async () => {
    const response = await request(t.app).post(IMPORT).set('content-type', FHIR_JSON).send({ resourceType: 'ResearchStudy', status: 'active' }).expect(400);
    expect(response.body.issue[0].diagnostics).toContain('not a FHIR ResearchStudy');
  });

  test('when the operation is asked on another type, then it is not found there', async () => {
    await request(t.app).post('/fhir/Patient/$import-ctgov').send(record('NCT04356287')).expect(404);
  });

  test('when the CapabilityStatement is read, then it lists $import-ctgov under ResearchStudy only', async () => {
    const statement = (await request(t.app).get('/fhir/metadata').expect(200)).body as CapabilityStatement;
    const withImport = statement.rest?.[0].resource?.filter((r) => r.operation?.some((o) => o.name === 'import-ctgov')).map((r) => r.type);
    expect(withImport).toEqual(['ResearchStudy']);
  });
});

describe(`$import-ctgov and roles (${storeName()})`, () => {
  const t = useTestApp({ auth: true });

  test.each([
    ['admin', 200],
    ['investigator', 200],
    ['unblinded', 403],
    ['registry', 403],
    ['ehr', 403],
  ] as const)('when a %s client imports, then it gets %d', async (role, status) => {
    const token = await tokenFor(t.app, t.authStore, role);
    await request(t.app).post(IMPORT).set('Authorization', `Bearer ${token}`).send(record('NCT03562065')).expect(status);
  });

  test('when an investigator token lacks write scopes on the imported types, then nothing is written', async () => {
    const token = await tokenFor(t.app, t.authStore, 'investigator', 'system/ResearchStudy.cru');
    await request(t.app).post(IMPORT).set('Authorization', `Bearer ${token}`).send(record('NCT02213705')).expect(403);
    const admin = await tokenFor(t.app, t.authStore, 'admin');
    const found = await request(t.app).get('/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|NCT02213705').set('Authorization', `Bearer ${admin}`).expect(200);
    expect((found.body as Bundle).entry).toBeUndefined();
  });
});

function withField(r: Record<string, unknown>, pathTo: string[], value: unknown): Record<string, unknown> {
  let node = r.protocolSection as Record<string, unknown>;
  for (const key of pathTo.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[pathTo[pathTo.length - 1]] = value;
  return r;
}

function withArmType(r: Record<string, unknown>, type: string): Record<string, unknown> {
  const arms = ((r.protocolSection as Record<string, Record<string, unknown>>).armsInterventionsModule.armGroups as Record<string, unknown>[]);
  arms[0].type = type;
  return r;
}
