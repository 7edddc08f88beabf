import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Observation, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import request from 'supertest';
import { tokenFor } from '../helpers/auth';
import { FHIR_JSON, storeName, type TestApp, useTestApp } from '../helpers/test-app';

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const ASSESSMENTS = 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments';
const DATE = '2026-12-01';

const trialBundle = (nctId: string): Bundle =>
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'bundles', 'trials', `${nctId}.json`), 'utf8')) as Bundle;

/** Loads the seed trial as a transaction and answers its ResearchStudy id. */
async function loadTrial(t: TestApp, nctId: string, auth: Record<string, string> = {}): Promise<string> {
  await request(t.app).post('/fhir').set(auth).set('content-type', FHIR_JSON).send(trialBundle(nctId)).expect(200);
  const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${nctId}`).set(auth).expect(200);
  return (found.body as Bundle).entry?.[0].resource?.id as string;
}

async function create(t: TestApp, resource: object, auth: Record<string, string> = {}): Promise<string> {
  const created = await request(t.app).post(`/fhir/${(resource as { resourceType: string }).resourceType}`).set(auth).set('content-type', FHIR_JSON).send(resource).expect(201);
  return created.body.id as string;
}

const observation = (patientId: string, system: string, code: string, value: number, unit: string, day = '2026-11-20'): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system, code }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: `${day}T09:00:00Z`,
  valueQuantity: { value, unit, system: UCUM, code: unit },
});

const parametersBody = (patientId: string, date = DATE): Parameters => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'patient', valueReference: { reference: `Patient/${patientId}` } }, { name: 'date', valueDate: date }],
});

const part = (parameters: ParametersParameter[] | undefined, name: string): ParametersParameter | undefined => parameters?.find((p) => p.name === name);
const criteria = (answer: Parameters): ParametersParameter[] => (answer.parameter ?? []).filter((p) => p.name === 'criterion');
const byCharacteristic = (answer: Parameters, start: string): ParametersParameter | undefined =>
  criteria(answer).find((c) => part(c.part, 'characteristic')?.valueString?.startsWith(start));

describe(`POST ResearchStudy/{id}/$eligibility (${storeName()})`, () => {
  const t = useTestApp();
  let sle: string;
  let ssc: string;

  beforeAll(async () => {
    sle = await loadTrial(t, 'NCT03562065');
    ssc = await loadTrial(t, 'NCT04356287');
  });

  test('when a patient meets every NCT03562065 criterion, then the verdict is eligible and each criterion names its evidence', async () => {
    const patientId = await create(t, { resourceType: 'Patient', birthDate: '1980-05-01', gender: 'female' });
    const values: [string, string, number, string][] = [
      [ASSESSMENTS, 'selena-sledai', 6, '{score}'],
      [LOINC, '2164-2', 80, 'mL/min'],
      [LOINC, '10230-1', 55, '%'],
      [LOINC, '751-8', 2.5, '10*9/L'],
      [LOINC, '777-3', 180, '10*3/uL'],
      [LOINC, '718-7', 125, 'g/L'],
      [LOINC, '24467-3', 500, '10*6/L'],
    ];
    const ids = new Map<string, string>();
    for (const [system, code, value, unit] of values) ids.set(code, await create(t, observation(patientId, system, code, value, unit)));
    const response = await request(t.app).post(`/fhir/ResearchStudy/${sle}/$eligibility`).set('content-type', FHIR_JSON).send(parametersBody(patientId)).expect(200);
    const answer = response.body as Parameters;
    expect(part(answer.parameter, 'verdict')?.valueCode).toBe('eligible');
    expect(criteria(answer)).toHaveLength(8);
    const sledai = byCharacteristic(answer, 'SELENA-SLEDAI');
    expect(part(sledai?.part, 'result')?.valueCode).toBe('met');
    expect(part(sledai?.part, 'type')?.valueCode).toBe('inclusion');
    expect(part(sledai?.part, 'evidence')?.valueReference?.reference).toBe(`Observation/${ids.get('selena-sledai')}`);
    const hemoglobin = byCharacteristic(answer, 'hemoglobin');
    expect(part(hemoglobin?.part, 'value')?.valueQuantity).toMatchObject({ value: 125, code: 'g/L' });
    expect(part(hemoglobin?.part, 'compared')?.valueQuantity).toMatchObject({ value: 12.5, code: 'g/dL' });
    expect(part(hemoglobin?.part, 'result')?.valueCode).toBe('not-met');
  });

  test('when a patient is evaluated at a date before their values, then the verdict is incomplete and says what is missing', async () => {
    const patientId = await create(t, { resourceType: 'Patient', birthDate: '1980-05-01', gender: 'female' });
    await create(t, observation(patientId, ASSESSMENTS, 'selena-sledai', 6, '{score}', '2026-11-20'));
    const response = await request(t.app).post(`/fhir/ResearchStudy/${sle}/$eligibility`).send(parametersBody(patientId, '2026-11-19')).expect(200);
    const answer = response.body as Parameters;
    expect(part(answer.parameter, 'verdict')?.valueCode).toBe('incomplete');
    const sledai = byCharacteristic(answer, 'SELENA-SLEDAI');
    expect(part(sledai?.part, 'result')?.valueCode).toBe('unknown');
    expect(part(sledai?.part, 'missing')?.valueString).toBe('an Observation of SELENA-SLEDAI with a value, made from 2026-08-21 to 2026-11-19');
  });

  test('when a NCT04356287 patient has ALT over 3 x normal (query parameters), then the verdict is ineligible', async () => {
    const patientId = await create(t, { resourceType: 'Patient', birthDate: '1975-01-01', gender: 'male' });
    await create(t, {
      ...observation(patientId, LOINC, '1742-6', 130, 'U/L'),
      referenceRange: [{ high: { value: 40, unit: 'U/L', system: UCUM, code: 'U/L' } }],
    });
    const response = await request(t.app).post(`/fhir/ResearchStudy/${ssc}/$eligibility?patient=Patient/${patientId}&date=${DATE}`).expect(200);
    const answer = response.body as Parameters;
    expect(part(answer.parameter, 'verdict')?.valueCode).toBe('ineligible');
    const alt = byCharacteristic(answer, 'ALT');
    expect(part(alt?.part, 'result')?.valueCode).toBe('met');
    expect(part(alt?.part, 'type')?.valueCode).toBe('exclusion');
    expect(part(alt?.part, 'compared')?.valueQuantity).toMatchObject({ value: 3.25, code: '{ULN}' });
    const severe = criteria(answer).find((c) => part(c.part, 'condition') !== undefined);
    expect(part(severe?.part, 'result')?.valueCode).toBe('unknown');
  });

  test('when the study is unknown, then 404', async () => {
    const patientId = await create(t, { resourceType: 'Patient', birthDate: '1975-01-01' });
    await request(t.app).post('/fhir/ResearchStudy/no-such-study/$eligibility').send(parametersBody(patientId)).expect(404);
  });

  test('when the patient is unknown, then 404', async () => {
    await request(t.app).post(`/fhir/ResearchStudy/${sle}/$eligibility`).send(parametersBody('no-such-patient')).expect(404);
  });

  test('when the study has no enrollment Group, then 422 says it states no criteria', async () => {
    const patientId = await create(t, { resourceType: 'Patient', birthDate: '1975-01-01' });
    const bare = await create(t, { resourceType: 'ResearchStudy', status: 'active', title: 'No criteria' });
    const response = await request(t.app).post(`/fhir/ResearchStudy/${bare}/$eligibility`).send(parametersBody(patientId)).expect(422);
    expect(response.body.issue[0].diagnostics).toMatch(/no enrollment Group/);
  });

  test('when the patient parameter is missing, then 400', async () => {
    const response = await request(t.app).post(`/fhir/ResearchStudy/${sle}/$eligibility`).send({ resourceType: 'Parameters', parameter: [{ name: 'date', valueDate: DATE }] }).expect(400);
    expect(response.body.issue[0].diagnostics).toMatch(/patient parameter/);
  });

  test('when the date is not a date, then 400', async () => {
    const patientId = await create(t, { resourceType: 'Patient', birthDate: '1975-01-01' });
    await request(t.app).post(`/fhir/ResearchStudy/${sle}/$eligibility?patient=Patient/${patientId}&date=yesterday`).expect(400);
  });
});

describe(`$eligibility by role (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let study: string;
  let patientId: string;

  beforeAll(async () => {
    const admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    study = await loadTrial(t, 'NCT03562065', admin);
    patientId = await create(t, { resourceType: 'Patient', birthDate: '1980-05-01', gender: 'female' }, admin);
  });

  test.each([
    ['admin', 200],
    ['investigator', 200],
    ['unblinded', 200],
    ['registry', 403],
    ['ehr', 403],
  ] as const)('when a %s client asks, then it gets %d', async (role, status) => {
    const token = await tokenFor(t.app, t.authStore, role);
    await request(t.app).post(`/fhir/ResearchStudy/${study}/$eligibility`).set('Authorization', `Bearer ${token}`).send(parametersBody(patientId)).expect(status);
  });
});
