import type { Bundle, OperationOutcome, ResearchSubject } from '@medplum/fhirtypes';
import request from 'supertest';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { FHIR_JSON, storeName, type TestApp, useTestApp } from '../helpers/test-app';

const WITHDRAWAL_REASON = 'https://stroma-fhir.org/fhir/StructureDefinition/withdrawal-reason';
const ARM = 'Placebo infusions';

interface Response {
  status: number;
  body: unknown;
}

/** The body of a response with this status; otherwise fails with the OperationOutcome's diagnostics. */
function answered(response: Response, status: number): unknown {
  if (response.status !== status) {
    const issues = (response.body as OperationOutcome).issue ?? [];
    throw new Error(`answered ${response.status}, not ${status}: ${issues.map((i) => i.diagnostics).join('; ')}`);
  }
  return response.body;
}

function refusal(response: Response): { code?: string; diagnostics?: string } {
  answered(response, 422);
  return (response.body as OperationOutcome).issue?.[0] ?? {};
}

/** NCT04356287 loaded from bundles/trials as the transaction the first start commits; its study id. */
async function loadSeedTrial(t: TestApp): Promise<string> {
  await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(seedTrials().get('NCT04356287') as Bundle).expect(200);
  const found = await request(t.app).get('/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|NCT04356287').expect(200);
  return (found.body as Bundle).entry?.[0]?.resource?.id as string;
}

/** A participant with a signed consent: what a subject on study refers to. */
async function participant(t: TestApp, label: string): Promise<{ patient: string; consent: string }> {
  const patient = { resourceType: 'Patient', identifier: [{ system: 'http://hospital.example.org/mrn', value: label }] };
  const patientId = (answered(await request(t.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(patient), 201) as { id: string }).id;
  const consent = {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${patientId}` },
    policyRule: { text: 'Written informed consent to NCT04356287' },
  };
  const consentId = (answered(await request(t.app).post('/fhir/Consent').set('content-type', FHIR_JSON).send(consent), 201) as { id: string }).id;
  return { patient: patientId, consent: consentId };
}

function subject(studyId: string, who: { patient: string; consent: string }, status: ResearchSubject['status'], extra: Partial<ResearchSubject> = {}): ResearchSubject {
  return {
    resourceType: 'ResearchSubject',
    status,
    period: { start: '2026-02-01' },
    study: { reference: `ResearchStudy/${studyId}` },
    individual: { reference: `Patient/${who.patient}` },
    assignedArm: ARM,
    consent: { reference: `Consent/${who.consent}` },
    ...extra,
  };
}

describe(`the enrollment lifecycle of a ResearchSubject (${storeName()})`, () => {
  const t = useTestApp();
  let studyId: string;
  let who: { patient: string; consent: string };

  beforeAll(async () => {
    studyId = await loadSeedTrial(t);
    who = await participant(t, 'LIFE-1');
  }, 60_000);

  const post = async (body: ResearchSubject) => request(t.app).post('/fhir/ResearchSubject').set('content-type', FHIR_JSON).send(body);
  const put = async (id: string, body: ResearchSubject) => request(t.app).put(`/fhir/ResearchSubject/${id}`).set('content-type', FHIR_JSON).send({ ...body, id });

  it('when a subject walks the protocol from candidate to off-study, then every step is accepted, and off-study to on-study is refused with 422 naming it', async () => {
    const created = answered(await post(subject(studyId, who, 'candidate')), 201) as ResearchSubject;
    const id = created.id as string;
    for (const status of ['eligible', 'on-study', 'on-study-intervention', 'follow-up', 'off-study'] as const) {
      answered(await put(id, subject(studyId, who, status)), 200);
    }
    const issue = refusal(await put(id, subject(studyId, who, 'on-study')));
    expect(issue.code).toBe('business-rule');
    expect(issue.diagnostics).toContain(`ResearchSubject/${id}: status may not change from off-study to on-study`);
  });

  it('when a candidate is sent straight to on-study, then it is refused; when an on-study subject is updated in the same status, then it is accepted', async () => {
    const candidate = answered(await post(subject(studyId, who, 'candidate')), 201) as ResearchSubject;
    expect(refusal(await put(candidate.id as string, subject(studyId, who, 'on-study'))).diagnostics).toContain('from candidate to on-study');
    const onStudy = answered(await post(subject(studyId, who, 'on-study')), 201) as ResearchSubject;
    const updated = answered(await put(onStudy.id as string, subject(studyId, who, 'on-study', { actualArm: ARM })), 200) as ResearchSubject;
    expect(updated.meta?.versionId).toBe('2');
  });

  it('when an update drops the period.start, then it is refused and the stored period stays', async () => {
    const created = answered(await post(subject(studyId, who, 'screening')), 201) as ResearchSubject;
    const { period: _dropped, ...withoutPeriod } = subject(studyId, who, 'eligible');
    expect(refusal(await put(created.id as string, withoutPeriod)).diagnostics).toContain('period.start (2026-02-01) may not be dropped');
    const stored = await request(t.app).get(`/fhir/ResearchSubject/${created.id}`).expect(200);
    expect(stored.body).toMatchObject({ status: 'screening', period: { start: '2026-02-01' } });
  });

  it('when a subject on study withdraws without a reason, then it is refused; with the withdrawal-reason extension, then it is stored with it', async () => {
    const created = answered(await post(subject(studyId, who, 'on-study-intervention')), 201) as ResearchSubject;
    expect(refusal(await put(created.id as string, subject(studyId, who, 'withdrawn'))).diagnostics).toContain('needs the reason for the withdrawal');
    const reason = { url: WITHDRAWAL_REASON, valueCodeableConcept: { text: 'Withdrew consent' } };
    const withdrawn = answered(await put(created.id as string, subject(studyId, who, 'withdrawn', { extension: [reason] })), 200) as ResearchSubject;
    expect(withdrawn).toMatchObject({ status: 'withdrawn', extension: [reason], period: { start: '2026-02-01' } });
  });
});

describe(`the enrollment target of a study (${storeName()})`, () => {
  const t = useTestApp();
  const TARGET = 18; // NCT04356287's enrollment Group.quantity
  let studyId: string;
  const people: { patient: string; consent: string }[] = [];

  beforeAll(async () => {
    studyId = await loadSeedTrial(t);
    for (let n = 0; n < TARGET + 4; n++) people.push(await participant(t, `TARGET-${n}`));
    for (let n = 0; n < TARGET - 1; n++) {
      answered(await request(t.app).post('/fhir/ResearchSubject').set('content-type', FHIR_JSON).send(subject(studyId, people[n], 'on-study')), 201);
    }
  }, 120_000);

  const post = async (body: ResearchSubject) => request(t.app).post('/fhir/ResearchSubject').set('content-type', FHIR_JSON).send(body);

  it('when the target is the enrollment Group\'s quantity, then the seed trial\'s target is 18', async () => {
    const group = await request(t.app).get('/fhir/Group?identifier=https://stroma-fhir.org/fhir/NamingSystem/ctgov-import|NCT04356287%2Fenrollment').expect(200);
    expect((group.body as Bundle).entry?.[0]?.resource).toMatchObject({ quantity: TARGET });
  });

  it('when four subjects enroll in parallel for the last place, then exactly one is created and the others are refused with 422', async () => {
    const responses = await Promise.all([0, 1, 2, 3].map((k) => post(subject(studyId, people[TARGET - 1 + k], 'on-study'))));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    const refused = responses.find((r) => r.status === 422) as Response;
    expect(refusal(refused)).toMatchObject({ code: 'business-rule', diagnostics: expect.stringContaining(`ResearchStudy/${studyId} has reached its enrollment target`) });
    const enrolled = await request(t.app).get(`/fhir/ResearchSubject?study=ResearchStudy/${studyId}&_summary=count`).expect(200);
    expect((enrolled.body as Bundle).total).toBe(TARGET);
  });

  it('when the study is full, then a candidate may still be recorded, but not moved on study; and an enrolled subject may still move along', async () => {
    const candidate = answered(await post(subject(studyId, people[TARGET + 2], 'eligible')), 201) as ResearchSubject;
    const moved = await request(t.app).put(`/fhir/ResearchSubject/${candidate.id}`).set('content-type', FHIR_JSON).send({ ...subject(studyId, people[TARGET + 2], 'on-study'), id: candidate.id });
    expect(refusal(moved).diagnostics).toContain('has reached its enrollment target');
    const found = await request(t.app).get(`/fhir/ResearchSubject?study=ResearchStudy/${studyId}&status=on-study&_count=1`).expect(200);
    const enrolled = (found.body as Bundle).entry?.[0]?.resource as ResearchSubject;
    answered(await request(t.app).put(`/fhir/ResearchSubject/${enrolled.id}`).set('content-type', FHIR_JSON).send({ ...enrolled, status: 'on-study-intervention' }), 200);
  });
});
