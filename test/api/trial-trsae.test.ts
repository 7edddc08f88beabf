import type { AdverseEvent, Bundle, Extension, OperationOutcome } from '@medplum/fhirtypes';
import request from 'supertest';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const TRSAE = { system: 'https://stroma-fhir.org/fhir/CodeSystem/safety-flag', code: 'trsae' };
const GRADE = { 2: 'C41339', 3: 'C41340' } as const;
const RELATED = { related: 'C53260', possibly: 'C53258', unlikely: 'C53257' } as const;

interface Plan {
  grade: keyof typeof GRADE;
  relatedness: keyof typeof RELATED;
  serious?: boolean;
}

/** An AE of the seed trial NCT04356287 that conforms to the AE Clinical Research IG profile. */
function adverseEvent(plan: Plan, patientId: string, studyId: string): AdverseEvent {
  const extension: Extension[] = [
    { url: `${AE_IG}ae-grade`, valueCodeableConcept: { coding: [{ system: NCIT, code: GRADE[plan.grade] }] } },
    {
      url: `${AE_IG}suspect-entity`,
      extension: [
        { url: 'instance', valueCodeableConcept: { text: 'study infusion' } },
        { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: RELATED[plan.relatedness] }] } }] },
      ],
    },
    ...(plan.serious
      ? [{ url: `${AE_IG}seriousness-criteria`, extension: [{ url: 'criterionCode', valueCodeableConcept: { coding: [{ system: NCIT, code: 'C83052' }] } }, { url: 'criterionPresent', valueBoolean: true }] }]
      : []),
  ];
  return {
    resourceType: 'AdverseEvent',
    extension,
    actuality: 'actual',
    event: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/mdr', code: '10037660', display: 'Pyrexia' }], text: 'Pyrexia' },
    subject: { reference: `Patient/${patientId}` },
    date: '2026-03-02T14:00:00Z',
    seriousness: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: plan.serious ? 'serious' : 'non-serious' }] },
    outcome: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome', code: 'resolved' }, { system: NCIT, code: 'C49498' }] },
    study: [{ reference: `ResearchStudy/${studyId}` }],
  };
}

/** The body of a response with this status; otherwise fails with the OperationOutcome's diagnostics. */
function answered(response: { status: number; body: unknown }, status: number): unknown {
  if (response.status !== status) {
    const issues = (response.body as OperationOutcome).issue ?? [];
    throw new Error(`answered ${response.status}, not ${status}: ${issues.map((i) => i.diagnostics).join('; ')}`);
  }
  return response.body;
}

describe(`the TRSAE flag on AdverseEvents (${storeName()})`, () => {
  const t = useTestApp();
  let studyId: string;
  let patientId: string;

  beforeAll(async () => {
    await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(seedTrials().get('NCT04356287') as Bundle).expect(200);
    const studies = await request(t.app).get('/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|NCT04356287').expect(200);
    studyId = (studies.body as Bundle).entry?.[0]?.resource?.id as string;
    const patient = { resourceType: 'Patient', identifier: [{ system: 'http://hospital.example.org/mrn', value: 'TRSAE-1' }] };
    patientId = (await request(t.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(patient).expect(201)).body.id;
  }, 60_000);

  const create = async (plan: Plan) =>
    answered(await request(t.app).post('/fhir/AdverseEvent').set('content-type', FHIR_JSON).send(adverseEvent(plan, patientId, studyId)), 201) as AdverseEvent;
  const put = (event: AdverseEvent) => request(t.app).put(`/fhir/AdverseEvent/${event.id}`).set('content-type', FHIR_JSON).send(event).expect(200);

  it.each([
    [{ grade: 3, relatedness: 'related' } as Plan, true],
    [{ grade: 3, relatedness: 'possibly' } as Plan, true],
    [{ grade: 2, relatedness: 'related', serious: true } as Plan, true],
    [{ grade: 2, relatedness: 'related' } as Plan, false],
    [{ grade: 3, relatedness: 'unlikely', serious: true } as Plan, false],
  ])('when the AE %j is created, then it is tagged trsae: %s', async (plan, flagged) => {
    const stored = await create(plan);
    expect(stored.meta?.tag ?? []).toEqual(flagged ? [TRSAE] : []);
  });

  it('when an update lowers a TRSAE to grade 2, then the tag is removed; when it is raised again, then it is back', async () => {
    const stored = await create({ grade: 3, relatedness: 'related' });
    const lowered = (await put({ ...adverseEvent({ grade: 2, relatedness: 'related' }, patientId, studyId), id: stored.id, meta: stored.meta })).body as AdverseEvent;
    expect(lowered.meta?.tag).toBeUndefined();
    expect(lowered.meta?.versionId).toBe('2');
    const raised = (await put({ ...adverseEvent({ grade: 3, relatedness: 'related' }, patientId, studyId), id: stored.id })).body as AdverseEvent;
    expect(raised.meta?.tag).toEqual([TRSAE]);
  });

  it('when AdverseEvent?trsae=true is searched, then it finds exactly the flagged events of the subject, and trsae=false the others', async () => {
    const flagged = await create({ grade: 3, relatedness: 'related' });
    const plain = await create({ grade: 2, relatedness: 'unlikely' });
    const ids = async (value: string) =>
      ((await request(t.app).get(`/fhir/AdverseEvent?trsae=${value}&_count=100`).expect(200)).body as Bundle).entry?.map((e) => e.resource?.id) ?? [];
    const yes = await ids('true');
    const no = await ids('false');
    expect(yes).toContain(flagged.id);
    expect(yes).not.toContain(plain.id);
    expect(no).toContain(plain.id);
    expect(no).not.toContain(flagged.id);
    const everyFlagged = ((await request(t.app).get('/fhir/AdverseEvent?trsae=true&_count=100').expect(200)).body as Bundle).entry ?? [];
    expect(everyFlagged.every((e) => (e.resource as AdverseEvent).meta?.tag?.some((tag) => tag.code === 'trsae'))).toBe(true);
  });

  it('when a client re-sends a flagged AE unchanged, without the server\'s tag or with it, then no new version is written', async () => {
    const stored = await create({ grade: 3, relatedness: 'related' });
    const resent = { ...adverseEvent({ grade: 3, relatedness: 'related' }, patientId, studyId), id: stored.id };
    const withoutTag = await put(resent);
    expect(withoutTag.body.meta).toMatchObject({ versionId: '1', tag: [TRSAE] });
    const withTag = await put(stored);
    expect(withTag.body.meta.versionId).toBe('1');
    const history = await request(t.app).get(`/fhir/AdverseEvent/${stored.id}/_history`).expect(200);
    expect((history.body as Bundle).total ?? history.body.entry.length).toBe(1);
  });

  it('when a client puts the trsae tag on an AE that is not one, then the server takes it off', async () => {
    const event = { ...adverseEvent({ grade: 2, relatedness: 'unlikely' }, patientId, studyId), meta: { tag: [TRSAE] } };
    const stored = (await request(t.app).post('/fhir/AdverseEvent').set('content-type', FHIR_JSON).send(event).expect(201)).body as AdverseEvent;
    expect(stored.meta?.tag).toBeUndefined();
  });
});
