import type { Bundle, OperationOutcome, ResearchSubject } from '@medplum/fhirtypes';
import request from 'supertest';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { infusionReaction } from '../helpers/adverse-events';
import { consentedPatient } from '../helpers/enrolment';
import { bodyWeight, studyInfusion } from '../helpers/infusions';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const CARE_SSC = 'NCT04356287';
const FARGE = 'NCT02213705';
const LUPUS = 'NCT03562065';
const ARMS = { two: 'Two infusions of UCMSC', one: 'One infusion of UCMSC', placebo: 'Placebo infusions', cohort1: 'Cohort 1: 1 x10^6 MSC/kg', cohort2: 'Cohort 2: 3 x10^6 MSC/kg' };
const M0 = '2024-01-10';

type Status = ResearchSubject['status'];

/** The trial Bundle with its study's masking set to NONE, and room for more subjects than its 18 (the suite enrols one per test case). */
function openLabel(trial: Bundle): Bundle {
  const masking = 'https://stroma-fhir.org/fhir/StructureDefinition/study-masking';
  return {
    ...trial,
    entry: trial.entry?.map((e) => {
      if (e.resource?.resourceType === 'Group') return { ...e, resource: { ...e.resource, quantity: 1000 } };
      if (e.resource?.resourceType !== 'ResearchStudy') return e;
      const extension = e.resource.extension?.map((x) => (x.url === masking ? { ...x, valueCodeableConcept: { coding: [{ ...x.valueCodeableConcept?.coding?.[0], code: 'NONE' }] } } : x));
      return { ...e, resource: { ...e.resource, extension } };
    }),
  };
}
interface Enrolled {
  patient: string;
  subject: string;
  study: string;
}

describe(`infusion checks on study MedicationAdministrations (${storeName()})`, () => {
  const t = useTestApp();
  const studies = new Map<string, string>();

  beforeAll(async () => {
    const trials = seedTrials();
    for (const nct of [CARE_SSC, FARGE, LUPUS]) {
      // NCT04356287 is double-blind, so its refusals do not say why (trial-blinding's last test); here its
      // protocol is made open label, so the reasons can be read and checked.
      const trial = nct === CARE_SSC ? openLabel(trials.get(nct) as Bundle) : trials.get(nct);
      await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(trial).expect(200);
      const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${nct}`).expect(200);
      studies.set(nct, (found.body as Bundle).entry?.[0]?.resource?.id as string);
    }
  }, 120_000);

  const post = (type: string, body: object) => request(t.app).post(`/fhir/${type}`).set('content-type', FHIR_JSON).send(body);
  const created = async (type: string, body: object): Promise<string> => {
    const res = await post(type, body);
    if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
    return `${type}/${res.body.id}`;
  };

  /** A patient with a consent and a ResearchSubject of the study (none when arm is undefined and status is not given). */
  async function enrol(nct: string, arm: string | undefined, status: Status = 'on-study', period: { start: string; end?: string } = { start: '2024-01-02' }): Promise<Enrolled> {
    const study = `ResearchStudy/${studies.get(nct)}`;
    const { patient, consent } = await consentedPatient(t.app, 'INF');
    if (arm === undefined && status === 'on-study') return { patient, subject: '', study };
    const reason = status === 'withdrawn' ? { extension: [{ url: 'https://stroma-fhir.org/fhir/StructureDefinition/withdrawal-reason', valueCodeableConcept: { text: 'Moved away' } }] } : {};
    const subject = await created('ResearchSubject', { resourceType: 'ResearchSubject', ...reason, status, period, study: { reference: study }, individual: { reference: patient }, consent: { reference: consent }, ...(arm ? { assignedArm: arm } : {}) });
    return { patient, subject, study };
  }

  const weigh = (who: Enrolled, kg: number, day: string): Promise<string> => created('Observation', bodyWeight(who, kg, day));
  const infusion = studyInfusion;

  /** A weight of 70 kg on the day and the infusion of that day (cells = 70 x per kg, or 0 for placebo). */
  async function infuse(who: Enrolled, day: string, perKg: number | null, options: { cells?: number; product?: string } = {}) {
    const weight = await weigh(who, 70, day);
    const cells = options.cells ?? (perKg ?? 0) * 70;
    return post('MedicationAdministration', infusion(who, day, weight, cells, perKg, options.product));
  }

  async function adverseEvent(who: Enrolled, suspect: string, grade: string, relatedness: string, onset: string): Promise<string> {
    return created('AdverseEvent', infusionReaction({ ...who, infusion: suspect, grade, relatedness, onset }));
  }

  const refusal = (res: request.Response): { diagnostics: string; expression: string[] } => {
    expect(res.status).toBe(422);
    const issue = (res.body as OperationOutcome).issue?.[0];
    expect(issue?.code).toBe('business-rule');
    return { diagnostics: issue?.diagnostics ?? '', expression: issue?.expression ?? [] };
  };

  test('when a subject of the two-infusion arm gets 1 x10^6 cells/kg at M0, then the infusion is stored', async () => {
    const who = await enrol(CARE_SSC, ARMS.two);
    expect((await infuse(who, M0, 1_000_000)).status).toBe(201);
  });

  test('when the patient has no ResearchSubject in the study, then the infusion is refused', async () => {
    const who = await enrol(CARE_SSC, undefined);
    expect(refusal(await infuse(who, M0, 1_000_000)).diagnostics).toContain('has no ResearchSubject');
  });

  test('when the subject is only eligible, or withdrew before the infusion, then it is refused as not on study', async () => {
    const eligible = await enrol(CARE_SSC, undefined, 'eligible');
    expect(refusal(await infuse(eligible, M0, 1_000_000)).diagnostics).toMatch(/is eligible, not on study/);
    const withdrawn = await enrol(CARE_SSC, ARMS.two, 'withdrawn', { start: '2024-01-02', end: '2024-01-05' });
    expect(refusal(await infuse(withdrawn, M0, 1_000_000)).diagnostics).toContain('is withdrawn since 2024-01-05');
  });

  test('when an infusion is recorded after the fact for a subject now in follow-up or off study, within its period, then it is stored', async () => {
    const followUp = await enrol(CARE_SSC, ARMS.one, 'follow-up');
    expect((await infuse(followUp, M0, 1_000_000)).status).toBe(201);
    const off = await enrol(CARE_SSC, ARMS.one, 'off-study', { start: '2024-01-02', end: '2024-12-31' });
    expect((await infuse(off, M0, 1_000_000)).status).toBe(201);
    const ended = await enrol(CARE_SSC, ARMS.one, 'off-study', { start: '2023-01-02', end: '2023-12-31' });
    expect(refusal(await infuse(ended, M0, 1_000_000)).diagnostics).toContain('period ended on 2023-12-31');
  });

  test('when a second infusion falls outside the M3 window, then it is refused with the window', async () => {
    const who = await enrol(CARE_SSC, ARMS.two);
    expect((await infuse(who, M0, 1_000_000)).status).toBe(201);
    const late = refusal(await infuse(who, '2024-05-20', 1_000_000));
    expect(late.diagnostics).toContain('day 131 after the first infusion on 2024-01-10');
    expect(late.diagnostics).toContain('from 2024-03-27 to 2024-04-24 (planned 2024-04-10');
    expect(late.expression).toEqual(['MedicationAdministration.effective']);
    expect((await infuse(who, '2024-04-22', 1_000_000)).status).toBe(201);
  });

  test('when an arm has no second infusion (NCT02213705: day 0 only), then an infusion at month 3 is refused', async () => {
    const who = await enrol(FARGE, ARMS.cohort1);
    expect((await infuse(who, M0, 1_000_000)).status).toBe(201);
    expect(refusal(await infuse(who, '2024-04-10', 1_000_000)).diagnostics).toContain('is in no window of a visit that gives arm "Cohort 1: 1 x10^6 MSC/kg" an infusion');
  });

  test('when the dose is more than 10 % off dose per kg x weight, then it is refused with both numbers; within 10 % it is stored', async () => {
    const off = refusal(await infuse(await enrol(CARE_SSC, ARMS.two), M0, 1_000_000, { cells: 77_500_000 }));
    expect(off.diagnostics).toContain('the dose is 77500000 {cells}');
    expect(off.diagnostics).toContain('1000000 {cells}/kg x 70 kg');
    expect(off.diagnostics).toContain('is 70000000 {cells}');
    expect(off.expression).toEqual(['MedicationAdministration.dosage.dose.value']);
    expect((await infuse(await enrol(CARE_SSC, ARMS.two), M0, 1_000_000, { cells: 76_900_000 })).status).toBe(201);
  });

  test('when the dose per kg is missing or not the arm\'s, then it is refused', async () => {
    // Without it, the stroma-infusion profile's invariant refuses the infusion before the rule is asked.
    const missing = await infuse(await enrol(CARE_SSC, ARMS.two), M0, null, { cells: 70_000_000 });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toContain('stroma-cells-have-dose-per-kg');
    const wrong = refusal(await infuse(await enrol(CARE_SSC, ARMS.two), M0, 2_000_000, { cells: 140_000_000 }));
    expect(wrong.diagnostics).toContain('the dose per kg is 2000000 {cells}/kg, but arm "Two infusions of UCMSC" plans 1000000 {cells}/kg');
  });

  test('when the placebo arm is given cells, or a cell arm placebo at M0, then it is refused; placebo to the placebo arm is stored', async () => {
    expect(refusal(await infuse(await enrol(CARE_SSC, ARMS.placebo), M0, 1_000_000)).diagnostics).toContain('gives placebo (0 {cells}), but this infusion gives 70000000 {cells}');
    expect(refusal(await infuse(await enrol(CARE_SSC, ARMS.one), M0, null)).diagnostics).toContain('gives cells, but this infusion gives 0 {cells} (placebo)');
    expect(refusal(await infuse(await enrol(CARE_SSC, ARMS.placebo), M0, null, { product: 'UCMSC' })).diagnostics).toContain('not the placebo product');
    expect((await infuse(await enrol(CARE_SSC, ARMS.placebo), M0, null)).status).toBe(201);
  });

  test('when the one-infusion arm reaches M3, then placebo is stored and cells are refused', async () => {
    const who = await enrol(CARE_SSC, ARMS.one);
    expect((await infuse(who, M0, 1_000_000)).status).toBe(201);
    expect(refusal(await infuse(who, '2024-04-10', 1_000_000)).diagnostics).toContain('visit Month 3 of arm "One infusion of UCMSC" ("Placebo infusion');
    expect((await infuse(who, '2024-04-10', null)).status).toBe(201);
  });

  test('when a TRSAE related to the first infusion precedes the second, then the second is refused naming the AdverseEvent', async () => {
    const who = await enrol(CARE_SSC, ARMS.two);
    const first = await infuse(who, M0, 1_000_000);
    const event = await adverseEvent(who, `MedicationAdministration/${first.body.id}`, 'C41340', 'C53258', '2024-01-12');
    const second = refusal(await infuse(who, '2024-04-10', 1_000_000));
    expect(second.diagnostics).toContain(event);
    expect(second.diagnostics).toContain('treatment-related severe adverse event (TRSAE)');
  });

  test('when the AE before the second infusion is grade 2, or grade 3 but not related, then the second infusion is stored', async () => {
    for (const [grade, relatedness] of [['C41339', 'C53260'], ['C41340', 'C53256'], ['C41340', 'C53257']]) {
      const who = await enrol(CARE_SSC, ARMS.two);
      const first = await infuse(who, M0, 1_000_000);
      await adverseEvent(who, `MedicationAdministration/${first.body.id}`, grade, relatedness, '2024-01-12');
      expect({ grade, relatedness, status: (await infuse(who, '2024-04-10', 1_000_000)).status }).toEqual({ grade, relatedness, status: 201 });
    }
  });

  test('when NCT02213705 cohorts are infused, then cohort 1 takes 1 x10^6 and cohort 2 3 x10^6 cells/kg, and not the other', async () => {
    expect((await infuse(await enrol(FARGE, ARMS.cohort1), M0, 1_000_000)).status).toBe(201);
    expect((await infuse(await enrol(FARGE, ARMS.cohort2), M0, 3_000_000)).status).toBe(201);
    expect(refusal(await infuse(await enrol(FARGE, ARMS.cohort2), M0, 1_000_000)).diagnostics).toContain('plans 3000000 {cells}/kg');
  });

  test('when the study has no visit schedule (NCT03562065), then the date is not judged but the arm\'s dose and product are', async () => {
    const arm = 'mesenchymal stem cells, 2 x10^6 cells/kg';
    expect((await infuse(await enrol(LUPUS, arm), M0, 2_000_000)).status).toBe(201);
    expect(refusal(await infuse(await enrol(LUPUS, arm), M0, 4_000_000)).diagnostics).toContain('plans 2000000 {cells}/kg');
    expect(refusal(await infuse(await enrol(LUPUS, arm), M0, null)).diagnostics).toContain('gives cells, but this infusion gives 0 {cells}');
  });

  test('when the cited body weight was taken after the infusion, then the infusion is refused', async () => {
    const who = await enrol(CARE_SSC, ARMS.two);
    const weight = await weigh(who, 70, '2024-01-11');
    const refused = refusal(await post('MedicationAdministration', infusion(who, M0, weight, 70_000_000, 1_000_000)));
    expect(refused.diagnostics).toContain('after the infusion of 2024-01-10T10:00:00Z');
    expect(refused.expression).toEqual(['MedicationAdministration.supportingInformation']);
  });

  test('when two M3 infusions of one subject are sent at once, then one is stored and the other refused: a visit has one infusion', async () => {
    const who = await enrol(CARE_SSC, ARMS.two);
    expect((await infuse(who, M0, 1_000_000)).status).toBe(201);
    const weight = await weigh(who, 70, '2024-04-10');
    const both = await Promise.all(['2024-04-10', '2024-04-11'].map((day) => post('MedicationAdministration', infusion(who, day, weight, 70_000_000, 1_000_000))));
    expect(both.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(both.find((r) => r.status === 422)?.body.issue[0].diagnostics).toContain('already has its infusion');
  });
});
