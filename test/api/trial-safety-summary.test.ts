import type { Bundle, List, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import request from 'supertest';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { infusionReaction } from '../helpers/adverse-events';
import { created, enrol, type Enrolled } from '../helpers/enrolment';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const FARGE = 'NCT02213705';
const COHORT_1 = 'Cohort 1: 1 x10^6 MSC/kg';
const COHORT_2 = 'Cohort 2: 3 x10^6 MSC/kg';
const D0 = '2024-01-10';
const GRADE = { 1: 'C41338', 2: 'C41339', 3: 'C41340' } as const;
const RELATED = 'C53260';
const UNLIKELY = 'C53257';
const SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/safety-measure';

/** The counting rules of $safety-summary at their edges (issue 8 point 1), on NCT02213705 (open label). */
describe(`$safety-summary (${storeName()})`, () => {
  const t = useTestApp();
  let study = '';
  const events: Record<string, string> = {};

  /** A consented subject of the cohort, infused with its dose on D0 unless `infused` is false. */
  const enrolIn = (arm: string, perKg: number, infused = true): Promise<Enrolled> => enrol(t.app, { study, arm, perKg, infusions: infused ? [D0] : [] });

  async function event(name: string, who: Enrolled, grade: keyof typeof GRADE, relatedness: string, onset: string, serious = false): Promise<void> {
    const suspect = who.infusion || 'MedicationAdministration/none';
    events[name] = await created(t.app, 'AdverseEvent', infusionReaction({ ...who, infusion: suspect, grade: GRADE[grade], relatedness, onset, serious }));
  }

  beforeAll(async () => {
    await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(seedTrials().get(FARGE) as Bundle).expect(200);
    const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${FARGE}`).expect(200);
    study = `ResearchStudy/${(found.body as Bundle).entry?.[0]?.resource?.id}`;
    const s1 = await enrolIn(COHORT_1, 1_000_000);
    const s2 = await enrolIn(COHORT_1, 1_000_000);
    const s3 = await enrolIn(COHORT_2, 3_000_000);
    const s4 = await enrolIn(COHORT_2, 3_000_000);
    const untreated = await enrolIn(COHORT_2, 3_000_000, false);
    // A hospital medication of an enrolled patient: not a study infusion, for it names no study.
    await created(t.app, 'MedicationAdministration', { resourceType: 'MedicationAdministration', status: 'completed', medicationCodeableConcept: { text: 'Amoxicillin' }, subject: { reference: untreated.patient }, effectiveDateTime: `${D0}T09:00:00Z` });
    await event('day 10, grade 1', s1, 1, RELATED, '2024-01-20');
    await event('day 11, grade 2', s1, 2, RELATED, '2024-01-21');
    await event('day 2, grade 3', s2, 3, RELATED, '2024-01-12');
    await event('unlikely, serious', s2, 3, UNLIKELY, '2024-01-13', true);
    await event('serious, day 40', s3, 2, UNLIKELY, '2024-02-19', true);
    await event('serious, day 60', s3, 3, 'C53256', '2024-03-10', true);
    await event('day 45, grade 3', s4, 3, RELATED, '2024-02-24');
    await event('untreated, serious', untreated, 3, UNLIKELY, '2024-01-15', true);
  }, 180_000);

  const summary = async (query = ''): Promise<MeasureReport> => {
    const res = await request(t.app).get(`/fhir/${study}/$safety-summary${query}`);
    expect(res.status).toBe(200);
    return res.body as MeasureReport;
  };
  const group = (report: MeasureReport, code: string): MeasureReportGroup => {
    const found = report.group?.find((g) => g.code?.coding?.[0]?.system === SYSTEM && g.code.coding[0].code === code);
    if (!found) throw new Error(`no group ${code}`);
    return found;
  };
  const count = (g: MeasureReportGroup, population = 'initial-population') => g.population?.find((p) => p.code?.coding?.[0]?.code === population)?.count;
  const strata = (g: MeasureReportGroup, stratifier: string, population = 'initial-population') =>
    Object.fromEntries(
      (g.stratifier?.find((s) => s.code?.[0]?.coding?.[0]?.code === stratifier)?.stratum ?? []).map((s) => [s.value?.text, s.population?.find((p) => p.code?.coding?.[0]?.code === population)?.count]),
    );
  /** The AdverseEvents a count lists, by the names given here. */
  const listed = (report: MeasureReport, g: MeasureReportGroup, population = 'initial-population') => {
    const list = report.contained?.find((c) => `#${c.id}` === g.population?.find((p) => p.code?.coding?.[0]?.code === population)?.subjectResults?.reference) as List | undefined;
    const names = Object.fromEntries(Object.entries(events).map(([name, ref]) => [ref, name]));
    return (list?.entry ?? []).map((e) => names[e.item.reference ?? '']).sort();
  };

  test('when the study is summarized, then the report is a complete summary MeasureReport of the published Measure about the study', async () => {
    const report = await summary('?as-of=2024-12-31');
    expect(report).toMatchObject({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: 'https://stroma-fhir.org/fhir/Measure/safety-summary', subject: { reference: study }, period: { start: D0, end: '2024-12-31' } });
    const measure = await request(t.app).get('/fhir/Measure?url=https://stroma-fhir.org/fhir/Measure/safety-summary').expect(200);
    expect((measure.body as Bundle).total ?? (measure.body as Bundle).entry?.length).toBe(1);
  });

  test('when subjects are infused, then the treated subjects are counted by cohort, and one never infused is not, even with another medication', async () => {
    const g = group(await summary(), 'subjects-treated');
    expect(count(g)).toBe(4);
    expect(strata(g, 'arm')).toEqual({ [COHORT_1]: 2, [COHORT_2]: 2 });
  });

  test('when a related event starts on day 10 it counts as infusion related within 10 days, and on day 11 it does not', async () => {
    const report = await summary();
    const g = group(report, 'infusion-related-ae-10d');
    expect(listed(report, g)).toEqual(['day 10, grade 1', 'day 2, grade 3']);
    expect(strata(g, 'ctcae-grade')).toEqual({ 1: 1, 2: 0, 3: 1, 4: 0, 5: 0 });
    expect(strata(g, 'arm')).toEqual({ [COHORT_1]: 2, [COHORT_2]: 0 });
  });

  test('when a related event is grade 2 or 3, then only grade 3 is a severe one, within 10 days and at any time (TRSAE)', async () => {
    const report = await summary();
    expect(listed(report, group(report, 'infusion-related-sae-10d'))).toEqual(['day 2, grade 3']);
    expect(listed(report, group(report, 'trsae'))).toEqual(['day 2, grade 3', 'day 45, grade 3']);
  });

  test('when serious events are unlikely or not related, then they are serious events not related; an untreated patient\'s is not counted', async () => {
    const report = await summary();
    const g = group(report, 'sae-not-related');
    expect(listed(report, g)).toEqual(['serious, day 40', 'serious, day 60', 'unlikely, serious']);
    expect(strata(g, 'arm')).toEqual({ [COHORT_1]: 1, [COHORT_2]: 2 });
  });

  test('when a subject has two serious events, then it counts once among the subjects with a serious event, as a share of the treated', async () => {
    const g = group(await summary(), 'subjects-with-sae');
    expect([count(g, 'numerator'), count(g, 'denominator'), g.measureScore?.value]).toEqual([2, 4, 0.5]);
    expect(strata(g, 'arm', 'numerator')).toEqual({ [COHORT_1]: 1, [COHORT_2]: 1 });
  });

  test('when a TRSAE starts on day 2 or day 45, then only the first is within one month of the first infusion', async () => {
    const report = await summary();
    const g = group(report, 'subjects-with-trsae-month-1');
    expect([count(g, 'numerator'), count(g, 'denominator'), g.measureScore?.value]).toEqual([1, 4, 0.25]);
    expect(listed(report, g, 'numerator')).toEqual(['day 2, grade 3']);
  });

  test('when as-of is given, then what started after it is not counted', async () => {
    const report = await summary('?as-of=2024-02-01');
    expect(count(group(report, 'trsae'))).toBe(1);
    expect(count(group(report, 'sae-not-related'))).toBe(1);
    expect(report.period?.end).toBe('2024-02-01');
  });

  test('when as-of is not a date or the study is unknown, then 400 and 404 OperationOutcomes', async () => {
    const bad = await request(t.app).get(`/fhir/${study}/$safety-summary?as-of=yesterday`).expect(400);
    expect(bad.body.issue[0].diagnostics).toContain('as-of');
    await request(t.app).get(`/fhir/${study}/$safety-summary?cutoff=2024-01-01`).expect(400);
    await request(t.app).get('/fhir/ResearchStudy/unknown/$safety-summary').expect(404);
  });

  test('when asked inside a batch or a transaction Bundle, then the entry is the same report', async () => {
    for (const type of ['batch', 'transaction']) {
      const bundle = { resourceType: 'Bundle', type, entry: [{ request: { method: 'GET', url: `${study}/$safety-summary?as-of=2024-02-01` } }] };
      const res = await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(bundle).expect(200);
      const entry = (res.body as Bundle).entry?.[0];
      expect([type, entry?.response?.status]).toEqual([type, '200 OK']);
      expect(count(group(entry?.resource as MeasureReport, 'trsae'))).toBe(1);
    }
  });
});
