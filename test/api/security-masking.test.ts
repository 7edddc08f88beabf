import type { BundleEntry, Patient, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import type { Requester } from '../../src/fhir/access';
import { tokenFor } from '../helpers/auth';
import { hemoglobin, patient } from '../helpers/fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

const MASKED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'MASKED' };

/** The masking hook, on a toy rule: investigators never see a Patient's birth date. */
describe(`masking on every read path (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  const tokens: Record<string, string> = {};
  const as = (role: string) => ({ Authorization: `Bearer ${tokens[role]}` });
  const patientsIn = (entries: BundleEntry[] | undefined): Patient[] => (entries ?? []).map((e) => e.resource as Resource).filter((r): r is Patient => r.resourceType === 'Patient');

  beforeAll(async () => {
    t.deps.registries.readMasks.register({
      name: 'toy: no birth dates for investigators',
      apply(resource: Resource, requester: Requester) {
        if (requester.role !== 'investigator' || resource.resourceType !== 'Patient' || !resource.birthDate) return undefined;
        const { birthDate: _hidden, ...rest } = resource;
        return rest as Patient;
      },
    });
    for (const role of ['admin', 'investigator', 'unblinded', 'registry']) tokens[role] = await tokenFor(t.app, t.authStore, role as 'admin');
    await request(t.app).put('/fhir/Patient/p1').set(as('admin')).send({ ...patient(), id: 'p1' }).expect(201);
    await request(t.app).put('/fhir/Observation/o1').set(as('admin')).send({ ...hemoglobin('Patient/p1'), id: 'o1' }).expect(201);
  });

  const expectMasked = (p: Patient | undefined) => {
    expect(p?.birthDate).toBeUndefined();
    expect(p?.meta?.security).toEqual([expect.objectContaining(MASKED)]);
  };

  it('when an investigator reads, searches, includes or reads the history of the Patient, then the birth date is masked and labelled every time', async () => {
    expectMasked((await request(t.app).get('/fhir/Patient/p1').set(as('investigator')).expect(200)).body);
    expectMasked((await request(t.app).get('/fhir/Patient/p1/_history/1').set(as('investigator')).expect(200)).body);
    expectMasked(patientsIn((await request(t.app).get('/fhir/Patient?_id=p1').set(as('investigator')).expect(200)).body.entry)[0]);
    expectMasked(patientsIn((await request(t.app).get('/fhir/Observation?_id=o1&_include=Observation:subject').set(as('investigator')).expect(200)).body.entry)[0]);
    expectMasked(patientsIn((await request(t.app).get('/fhir/Patient/p1/_history').set(as('investigator')).expect(200)).body.entry)[0]);
  });

  it('when an unblinded user reads the same Patient, then nothing is masked', async () => {
    const res = await request(t.app).get('/fhir/Patient/p1').set(as('unblinded')).expect(200);
    expect(res.body.birthDate).toBe('1968-04-12');
    expect(res.body.meta.security).toBeUndefined();
  });

  it('when the masked view is read, then the stored resource keeps its birth date', async () => {
    const res = await request(t.app).get('/fhir/Patient/p1').set(as('admin')).expect(200);
    expect(res.body.birthDate).toBe('1968-04-12');
  });

  it('when a registry reads a Patient, by its pseudonym only, then its direct identifiers are gone and the birth date is cut to the year', async () => {
    await request(t.app).get('/fhir/Patient/p1').set(as('registry')).expect(404);
    const [entry] = (await request(t.app).get('/fhir/Patient').set(as('registry')).expect(200)).body.entry;
    const res = await request(t.app).get(`/fhir/Patient/${entry.resource.id}`).set(as('registry')).expect(200);
    expect(res.body).not.toHaveProperty('name');
    expect(res.body).not.toHaveProperty('identifier');
    expect(res.body.birthDate).toBe('1968');
    expect(res.body.meta.security).toEqual([expect.objectContaining(MASKED)]);
    expect(JSON.stringify(res.body)).not.toMatch(/Tremblay|MRN-1/);
  });
});
