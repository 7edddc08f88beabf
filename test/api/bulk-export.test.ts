import type { Bundle, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { demoBundle } from '../../src/trial/demo';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { downloaded, finishedManifest, kickOff } from '../helpers/bulk-client';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const TRIAL = 'NCT04356287';

async function commit(app: Parameters<typeof request>[0], bundle: Bundle): Promise<void> {
  const res = await request(app).post('/fhir').set('Content-Type', FHIR_JSON).send(bundle);
  if (res.status !== 200) throw new Error(`transaction answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function count(app: Parameters<typeof request>[0], type: string): Promise<number> {
  return ((await request(app).get(`/fhir/${type}?_summary=count`).expect(200)).body as Bundle).total as number;
}

describe(`Bulk Data $export, as a client runs it (${storeName()})`, () => {
  const t = useTestApp();
  let enrollmentGroup = '';

  beforeAll(async () => {
    const trial = seedTrials().get(TRIAL) as Bundle;
    await commit(t.app, trial);
    await commit(t.app, demoBundle(trial, 20261203));
    const study = (await request(t.app).get(`/fhir/ResearchStudy?identifier=${TRIAL}`).expect(200)).body as Bundle;
    enrollmentGroup = ((study.entry?.[0]?.resource as { enrollment: { reference: string }[] }).enrollment[0].reference).split('/')[1];
  }, 120_000);

  it('when a system export is kicked off, then it answers 202 with a status URL that answers 202 with X-Progress and Retry-After until the job ran', async () => {
    const status = await kickOff(t.app, '/fhir/$export?_type=Patient');
    const polled = await request(t.app).get(status).expect(202);
    expect(polled.headers['x-progress']).toBeDefined();
    expect(Number(polled.headers['retry-after'])).toBeGreaterThan(0);
    const manifest = await finishedManifest(t, status);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.request).toBe('http://localhost/fhir/$export?_type=Patient');
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    expect(manifest.output.map((f) => f.type)).toEqual(['Patient']);
  });

  it('when every file of a system export is downloaded, then each line is a resource the validator accepts and every stored resource of each type is there once', async () => {
    const status = await kickOff(t.app, '/fhir/$export?_type=Patient,ResearchSubject,Observation,AdverseEvent,MedicationAdministration,ResearchStudy');
    const manifest = await finishedManifest(t, status);
    const resources = await downloaded(t.app, manifest.output);
    for (const resource of resources) {
      const errors = t.deps.registries.profiles.validate(resource).filter((i) => i.severity === 'error' || i.severity === 'fatal');
      expect(errors).toEqual([]);
    }
    for (const type of ['Patient', 'ResearchSubject', 'Observation', 'AdverseEvent', 'MedicationAdministration', 'ResearchStudy']) {
      const ofType = resources.filter((r) => r.resourceType === type);
      expect(new Set(ofType.map((r) => r.id)).size).toBe(ofType.length);
      expect(ofType.length).toBe(await count(t.app, type));
      expect(manifest.output.filter((f) => f.type === type).reduce((n, f) => n + f.count, 0)).toBe(ofType.length);
    }
  });

  it("when a study's enrollment Group is exported, then the study's participants, their records and the study itself are in it", async () => {
    const manifest = await finishedManifest(t, await kickOff(t.app, `/fhir/Group/${enrollmentGroup}/$export`));
    const resources = await downloaded(t.app, manifest.output);
    const types = new Set(resources.map((r) => r.resourceType));
    for (const type of ['Patient', 'ResearchSubject', 'Observation', 'ResearchStudy', 'Group', 'StructureDefinition', 'CodeSystem']) expect(types).toContain(type);
    const profiles = new Set(resources.flatMap((r) => (r.resourceType === 'StructureDefinition' ? [(r as { url: string }).url] : [])));
    for (const observation of resources.filter((r) => r.resourceType === 'Observation')) {
      for (const profile of observation.meta?.profile ?? []) expect(profiles).toContain(profile);
    }
    expect(resources.filter((r) => r.resourceType === 'Patient')).toHaveLength(await count(t.app, 'ResearchSubject'));
    const patients = new Set(resources.filter((r) => r.resourceType === 'Patient').map((r) => `Patient/${r.id}`));
    for (const observation of resources.filter((r) => r.resourceType === 'Observation')) {
      expect(patients).toContain((observation as { subject: { reference: string } }).subject.reference);
    }
  });

  it('when _typeFilter and _elements are given, then only the matching resources come, with only those elements and SUBSETTED', async () => {
    const manifest = await finishedManifest(t, await kickOff(t.app, '/fhir/Patient/$export?_type=Observation&_typeFilter=Observation%3Fcode%3Dhttp%3A%2F%2Floinc.org%7C718-7&_elements=Observation.code,subject'));
    const resources = await downloaded(t.app, manifest.output);
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources as (Resource & { code: { coding: { code: string }[] } })[]) {
      expect(resource.code.coding.map((c) => c.code)).toContain('718-7');
      expect(Object.keys(resource).sort()).toEqual(expect.arrayContaining(['code', 'id', 'meta', 'resourceType', 'subject']));
      expect(resource).not.toHaveProperty('valueQuantity');
      expect(resource.meta?.tag?.concat(resource.meta?.security ?? []).some((c) => c.code === 'SUBSETTED')).toBe(true);
    }
  });

  it('when the kick-off lacks Prefer: respond-async, names an unknown type or format, then it is refused with 400 and an OperationOutcome', async () => {
    for (const [url, prefer] of [['/fhir/$export', undefined], ['/fhir/$export?_type=Nonsense', 'respond-async'], ['/fhir/$export?_outputFormat=text/csv', 'respond-async'], ['/fhir/$export?_since=yesterday', 'respond-async']] as const) {
      const res = await request(t.app).get(url).set(prefer ? { Prefer: prefer } : {});
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  it('when the kick-off is a POST with a Parameters body, then its parameters apply as in a GET', async () => {
    const parameters = { resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'ResearchStudy' }, { name: '_outputFormat', valueString: 'application/fhir+ndjson' }] };
    const res = await request(t.app).post('/fhir/$export').set({ Prefer: 'respond-async', 'Content-Type': FHIR_JSON }).send(parameters).expect(202);
    const manifest = await finishedManifest(t, new URL(res.headers['content-location'] as string).pathname);
    expect(manifest.output.map((f) => [f.type, f.count])).toEqual([['ResearchStudy', await count(t.app, 'ResearchStudy')]]);
    const unknown = { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference: 'Patient/x' } }] };
    await request(t.app).post('/fhir/$export').set({ Prefer: 'respond-async', 'Content-Type': FHIR_JSON }).send(unknown).expect(400);
  });

  it('when the Group does not exist, then the kick-off answers 404', async () => {
    await request(t.app).get('/fhir/Group/no-such-group/$export').set('Prefer', 'respond-async').expect(404);
  });
});
