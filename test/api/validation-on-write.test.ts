import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import request from 'supertest';
import { hemoglobin, patient } from '../helpers/fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

/** A Bundle of two Patient creates, the second with a gender R4 does not have. */
function validThenInvalid(type: 'transaction' | 'batch', valid: string, invalid: string): Bundle {
  const entry = (resource: unknown): BundleEntry => ({ resource: resource as BundleEntry['resource'], request: { method: 'POST', url: 'Patient' } });
  return { resourceType: 'Bundle', type, entry: [entry(patient(valid)), entry({ ...patient(invalid), gender: 'sometimes' })] };
}

const errorsOf = (outcome: OperationOutcome): OperationOutcomeIssue[] =>
  (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');

describe(`every write is validated against base R4 and meta.profile (${storeName()})`, () => {
  const t = useTestApp();
  const count = async (query: string) => (await request(t.app).get(`/fhir/${query}`).query({ _total: 'accurate' })).body.total as number;

  it('when an Observation has status "bogus", then 422 names Observation.status and nothing is stored', async () => {
    const res = await request(t.app).post('/fhir/Observation').send({ ...hemoglobin('Patient/x'), status: 'bogus', identifier: [{ value: 'BOGUS-1' }] });
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(errorsOf(res.body).map((i) => i.expression?.[0])).toContain('Observation.status');
    expect(await count('Observation?identifier=BOGUS-1')).toBe(0);
  });

  it('when a resource breaks several rules, then the OperationOutcome lists every issue, each with its FHIRPath location', async () => {
    const res = await request(t.app).post('/fhir/Patient').send({ ...patient(), gender: 'sometimes', birthDate: '1968-13-45', active: 'yes' });
    expect(res.status).toBe(422);
    const locations = errorsOf(res.body).map((i) => i.expression?.[0]);
    expect(locations).toEqual(expect.arrayContaining(['Patient.gender', 'Patient.birthDate', 'Patient.active']));
    expect(errorsOf(res.body).every((i) => typeof i.diagnostics === 'string' && i.diagnostics.length > 0)).toBe(true);
  });

  it('when an element is not in R4 or a required element is missing, then 422', async () => {
    const unknown = await request(t.app).post('/fhir/Patient').send({ ...patient(), nickname: 'Mimi' });
    expect(unknown.status).toBe(422);
    // Located at the element holding it, as HL7's Java validator does.
    expect(errorsOf(unknown.body)[0]).toMatchObject({ expression: ['Patient'], diagnostics: "Unrecognized property 'nickname'" });
    const { status: _status, ...noStatus } = hemoglobin('Patient/x');
    const missing = await request(t.app).post('/fhir/Observation').send(noStatus);
    expect(missing.status).toBe(422);
    expect(errorsOf(missing.body).some((i) => /status/.test(i.diagnostics ?? ''))).toBe(true);
  });

  it('when the body is not a resource at all, then 400', async () => {
    expect((await request(t.app).post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send('[1,2]')).status).toBe(400);
    expect((await request(t.app).post('/fhir/Patient').send({ name: [{ family: 'NoType' }] })).status).toBe(400);
  });

  it('when an update is invalid, then 422 and the current version stays', async () => {
    const created = (await request(t.app).put('/fhir/Patient/upd-invalid').send({ ...patient('UPD-1'), id: 'upd-invalid' }).expect(201)).body;
    const res = await request(t.app).put('/fhir/Patient/upd-invalid').send({ ...created, gender: 'sometimes' });
    expect(res.status).toBe(422);
    const current = await request(t.app).get('/fhir/Patient/upd-invalid').expect(200);
    expect(current.body.meta.versionId).toBe('1');
    expect(current.body.gender).toBe('female');
  });

  it('when a JSON Patch makes the resource invalid, then 422 and the resource is unchanged', async () => {
    await request(t.app).put('/fhir/Patient/patch-invalid').send({ ...patient('PATCH-1'), id: 'patch-invalid' }).expect(201);
    const res = await request(t.app)
      .patch('/fhir/Patient/patch-invalid')
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/birthDate', value: 'last spring' }]));
    expect(res.status).toBe(422);
    expect(errorsOf(res.body)[0].expression?.[0]).toBe('Patient.birthDate');
    expect((await request(t.app).get('/fhir/Patient/patch-invalid')).body.birthDate).toBe('1968-04-12');
  });

  it('when meta.profile names a profile the server does not know, then the write is accepted (HAPI: a warning, not an error)', async () => {
    // EHRs tag their data with profiles of their own guides (US Core...): refusing it would refuse their data.
    const res = await request(t.app).post('/fhir/Patient').send({ ...patient(), meta: { profile: ['http://example.org/StructureDefinition/nowhere'] } });
    expect(res.status).toBe(201);
  });

  it('when meta.profile names a core R4 profile the resource breaks, then 422 (the vital-signs body weight without a category)', async () => {
    const weight = {
      ...hemoglobin('Patient/x'),
      meta: { profile: ['http://hl7.org/fhir/StructureDefinition/bodyweight'] },
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
      valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    };
    const res = await request(t.app).post('/fhir/Observation').send(weight);
    expect(res.status).toBe(422);
    expect(errorsOf(res.body).some((i) => /Observation\.category/.test(i.diagnostics ?? ''))).toBe(true);
  });

  it('when a transaction has one invalid entry, then 422 names that entry and nothing of it is stored', async () => {
    const bundle = validThenInvalid('transaction', 'TX-VALID', 'TX-INVALID');
    const res = await request(t.app).post('/fhir').send(bundle);
    expect(res.status).toBe(422);
    expect(errorsOf(res.body)[0].expression?.[0]).toBe('Bundle.entry[1].resource.gender');
    expect(await count('Patient?identifier=TX-VALID')).toBe(0);
  });

  it('when a batch has one invalid entry, then that entry answers 422 and the others are stored', async () => {
    const bundle = validThenInvalid('batch', 'BATCH-VALID', 'BATCH-INVALID');
    const res = await request(t.app).post('/fhir').send(bundle).expect(200);
    const [ok, bad] = res.body.entry as BundleEntry[];
    expect(ok.response?.status).toBe('201 Created');
    expect(bad.response?.status).toMatch(/^422/);
    expect(await count('Patient?identifier=BATCH-VALID')).toBe(1);
    expect(await count('Patient?identifier=BATCH-INVALID')).toBe(0);
  });
});
