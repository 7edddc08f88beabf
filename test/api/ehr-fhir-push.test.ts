import type { Bundle, BundleEntry, Observation } from '@medplum/fhirtypes';
import request from 'supertest';
import { tokenFor } from '../helpers/auth';
import { patient } from '../helpers/fixtures';
import { makeParticipant } from '../helpers/participant';
import { storeName, useTestApp } from '../helpers/test-app';

const MRN = 'http://hospital.example.org/mrn';
const LAB = 'urn:oid:1.2.840.114350.1.13.99.2.7.3.798268';
const REFUSAL = 'https://stroma-fhir.org/fhir/CodeSystem/intake-refusal';
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

/** A lab result as a hospital pushes it: the patient by MRN, the result by the lab's accession number. */
function labResult(mrn: string, accession: string, value: number, code = '718-7', status: Observation['status'] = 'final'): Observation {
  return {
    resourceType: 'Observation',
    identifier: [{ system: LAB, value: accession }],
    status,
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { identifier: { system: MRN, value: mrn } },
    effectiveDateTime: '2024-03-01T09:30:00+01:00',
    valueQuantity: { value, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
  };
}

const reasonOf = (outcome: { issue: { details?: { coding?: { system: string; code: string }[] } }[] }) =>
  outcome.issue[0].details?.coding?.find((c) => c.system === REFUSAL)?.code;

/** Issue 9, points 1 and 2: an EHR pushes labs through the FHIR API. */
describe(`EHR FHIR push (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let admin: Record<string, string>;
  let ehr: Record<string, string>;
  let participant = '';
  let study = '';

  beforeAll(async () => {
    admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    ehr = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'ehr')}` };
    const made = await request(t.app).post('/fhir/Patient').set(admin).send(patient('P-100')).expect(201);
    participant = `Patient/${made.body.id}`;
    study = await makeParticipant(t.app, participant, admin);
    await request(t.app).post('/fhir/Patient').set(admin).send(patient('P-200', 'Outsider')).expect(201);
  });

  const stored = async (accession: string): Promise<Observation[]> => {
    const res = await request(t.app).get(`/fhir/Observation?identifier=${LAB}|${accession}`).set(admin).expect(200);
    return ((res.body as Bundle).entry ?? []).map((e) => e.resource as Observation);
  };

  it('when a participant is named by MRN, then the result is stored for their Patient, stamped and linked to the study', async () => {
    const res = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'A-1', 11.2)).expect(201);
    expect(res.body.subject.reference).toBe(participant);
    expect(res.body.meta.source).toMatch(/^https:\/\/stroma-fhir\.org\/fhir\/client\/ehr-/);
    expect(res.body.extension).toContainEqual({ url: STUDY_EXTENSION, valueReference: { reference: study } });
  });

  it('when the same result is sent again, then it is the same resource and no new version', async () => {
    const first = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'A-2', 12)).expect(201);
    const again = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'A-2', 12)).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.meta.versionId).toBe(first.body.meta.versionId);
    expect(await stored('A-2')).toHaveLength(1);
  });

  it('when a result is corrected and then retracted, then the stored one is updated each time and history keeps every version', async () => {
    const first = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'A-3', 9.1)).expect(201);
    const corrected = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'A-3', 10.1, '718-7', 'corrected')).expect(200);
    expect(corrected.body.id).toBe(first.body.id);
    expect(corrected.body.valueQuantity.value).toBe(10.1);
    const retracted = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'A-3', 10.1, '718-7', 'entered-in-error')).expect(200);
    expect(retracted.body.status).toBe('entered-in-error');
    const history = await request(t.app).get(`/fhir/Observation/${first.body.id}/_history`).set(admin).expect(200);
    expect((history.body as Bundle).entry?.map((e) => (e.resource as Observation).status)).toEqual(['entered-in-error', 'corrected', 'final']);
  });

  it('when the MRN is unknown, then 422 unknown-patient and nothing is stored', async () => {
    const res = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('NOBODY', 'A-4', 11)).expect(422);
    expect(reasonOf(res.body)).toBe('unknown-patient');
    expect(await stored('A-4')).toHaveLength(0);
  });

  it('when the patient takes part in no study, then 422 not-a-participant and nothing is stored', async () => {
    const res = await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-200', 'A-5', 11)).expect(422);
    expect(reasonOf(res.body)).toBe('not-a-participant');
    expect(await stored('A-5')).toHaveLength(0);
  });

  it('when the code is outside the study panel, then 422 outside-panel and nothing is stored', async () => {
    const glucose = { ...labResult('P-100', 'A-6', 5.4, '2345-7'), valueQuantity: { value: 5.4, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' } };
    const res = await request(t.app).post('/fhir/Observation').set(ehr).send(glucose).expect(422);
    expect(reasonOf(res.body)).toBe('outside-panel');
    expect(res.body.issue[0].diagnostics).toContain('http://loinc.org|2345-7');
    expect(await stored('A-6')).toHaveLength(0);
  });

  it('when a batch mixes accepted and refused results, then each entry gets its own answer', async () => {
    const entry = (o: Observation): BundleEntry => ({ resource: o, request: { method: 'POST', url: 'Observation' } });
    const bundle: Bundle = { resourceType: 'Bundle', type: 'batch', entry: [entry(labResult('P-100', 'B-1', 11)), entry(labResult('NOBODY', 'B-2', 11)), entry(labResult('P-100', 'B-1', 11))] };
    const res = await request(t.app).post('/fhir').set(ehr).send(bundle).expect(200);
    const answers = (res.body as Bundle).entry ?? [];
    expect(answers.map((e) => e.response?.status)).toEqual(['201 Created', '422 Unprocessable Entity', '200 OK']);
    expect(reasonOf(answers[1].response?.outcome as never)).toBe('unknown-patient');
  });

  it('when a whole batch is sent twice, then the second time every result is matched by its key and none gets a new version', async () => {
    const entry = (o: Observation): BundleEntry => ({ resource: o, request: { method: 'POST', url: 'Observation' } });
    const bundle: Bundle = { resourceType: 'Bundle', type: 'batch', entry: ['C-1', 'C-2', 'C-3', 'C-4'].map((a, i) => entry(labResult('P-100', a, 11 + i))) };
    const first = await request(t.app).post('/fhir').set(ehr).send(bundle).expect(200);
    expect((first.body as Bundle).entry?.map((e) => e.response?.status)).toEqual(Array(4).fill('201 Created'));
    const again = await request(t.app).post('/fhir').set(ehr).send(bundle).expect(200);
    expect((again.body as Bundle).entry?.map((e) => e.response?.status)).toEqual(Array(4).fill('200 OK'));
    expect((again.body as Bundle).entry?.map((e) => e.response?.etag)).toEqual(Array(4).fill('W/"1"'));
    expect(await stored('C-3')).toHaveLength(1);
  });

  it('when a transaction upserts by identifier, then a new key is created and a known one updated', async () => {
    const put = (o: Observation, key: string): BundleEntry => ({ resource: o, request: { method: 'PUT', url: `Observation?identifier=${LAB}|${key}` } });
    await request(t.app).post('/fhir/Observation').set(ehr).send(labResult('P-100', 'D-1', 12)).expect(201);
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [put(labResult('P-100', 'D-1', 12.4, '718-7', 'corrected'), 'D-1'), put(labResult('P-100', 'D-2', 13), 'D-2')] };
    const res = await request(t.app).post('/fhir').set(ehr).send(bundle).expect(200);
    expect((res.body as Bundle).entry?.map((e) => e.response?.status)).toEqual(['200 OK', '201 Created']);
    expect((await stored('D-1'))[0].valueQuantity?.value).toBe(12.4);
    expect(await stored('D-2')).toHaveLength(1);
  });

  it('when a transaction names the patient by a Patient entry, then the Patient is matched, not written, and the results are stored for it', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:5c1e0f7e-6b1c-4f55-9d9e-0a3c1f2b9a01', resource: { ...patient('P-100'), name: [{ family: 'As the hospital spells it' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { ...labResult('', 'T-1', 11.5), subject: { reference: 'urn:uuid:5c1e0f7e-6b1c-4f55-9d9e-0a3c1f2b9a01' } }, request: { method: 'POST', url: 'Observation' } },
      ],
    };
    const res = await request(t.app).post('/fhir').set(ehr).send(bundle).expect(200);
    expect((res.body as Bundle).entry?.map((e) => e.response?.status)).toEqual(['200 OK', '201 Created']);
    const [result] = await stored('T-1');
    expect(result.subject?.reference).toBe(participant);
    const patients = await request(t.app).get('/fhir/Patient?identifier=http://hospital.example.org/mrn|P-100').set(admin).expect(200);
    expect(patients.body.entry).toHaveLength(1);
    expect(patients.body.entry[0].resource.name[0].family).toBe('Tremblay');
  });

  it('when results were pushed, then /metrics counts them by outcome and reason', async () => {
    const res = await request(t.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/stroma_ehr_results_total\{channel="fhir-push",outcome="accepted"\} [1-9]/);
    expect(res.text).toMatch(/stroma_ehr_results_refused_total\{channel="fhir-push",reason="outside-panel"\} 1/);
  });
});
