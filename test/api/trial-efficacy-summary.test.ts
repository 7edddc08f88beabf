import type { Bundle, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import request from 'supertest';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { created, enrol } from '../helpers/enrolment';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const FARGE = 'NCT02213705';
const COHORT_1 = 'Cohort 1: 1 x10^6 MSC/kg';
const D0 = '2024-01-10';
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
const STATISTICS = 'https://stroma-fhir.org/fhir/StructureDefinition/measure-statistics';

/** $efficacy-summary (issue 8 point 2) of a systemic sclerosis study: the mRSS change from M0 to M12. */
describe(`$efficacy-summary of a systemic sclerosis study (${storeName()})`, () => {
  const t = useTestApp();
  let study = '';

  const mrss = (patient: string, day: string, value: number, status = 'final') =>
    created(t.app, 'Observation', {
      resourceType: 'Observation',
      extension: [{ url: STUDY_EXTENSION, valueReference: { reference: study } }],
      status,
      code: { coding: [{ system: 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments', code: 'mrss' }] },
      subject: { reference: patient },
      effectiveDateTime: `${day}T08:00:00Z`,
      valueQuantity: { value, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    });

  beforeAll(async () => {
    await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(seedTrials().get(FARGE) as Bundle).expect(200);
    const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${FARGE}`).expect(200);
    study = `ResearchStudy/${(found.body as Bundle).entry?.[0]?.resource?.id}`;
    const [a, b, c] = [
      await enrol(t.app, { study, arm: COHORT_1, perKg: 1_000_000, infusions: [D0] }),
      await enrol(t.app, { study, arm: COHORT_1, perKg: 1_000_000, infusions: [D0] }),
      await enrol(t.app, { study, arm: COHORT_1, perKg: 1_000_000, infusions: [D0] }),
    ];
    await mrss(a.patient, '2023-12-01', 30); // an older screening value: M0 is the latest before the infusion
    await mrss(a.patient, D0, 20);
    await mrss(a.patient, '2025-01-12', 14);
    await mrss(b.patient, '2024-01-09', 25);
    await mrss(b.patient, '2025-01-02', 22);
    await mrss(b.patient, '2025-01-10', 10, 'entered-in-error');
    await mrss(c.patient, D0, 18);
    await mrss(c.patient, '2025-02-10', 9); // a month late: outside the M12 window
  }, 120_000);

  const changeOf = async (asOf: string): Promise<MeasureReportGroup> => {
    const report = (await request(t.app).get(`/fhir/${study}/$efficacy-summary?as-of=${asOf}`).expect(200)).body as MeasureReport;
    expect(report.measure).toBe('https://stroma-fhir.org/fhir/Measure/efficacy-summary');
    expect(report.group?.map((g) => g.code?.coding?.[0]?.code)).toEqual(['mrss-change-m12']);
    return report.group?.[0] as MeasureReportGroup;
  };
  const populations = (g: MeasureReportGroup) => Object.fromEntries((g.population ?? []).map((p) => [p.code?.coding?.[0]?.code, p.count]));
  const statistics = (g: MeasureReportGroup) => Object.fromEntries((g.extension?.find((e) => e.url === STATISTICS)?.extension ?? []).map((e) => [e.url, e.valueInteger ?? e.valueDecimal]));

  test('when two subjects have M0 and M12 and one lacks a value in the M12 window, then n is 2, the mean, SD and median of the change, and 1 missing', async () => {
    const g = await changeOf('2025-12-31');
    expect(populations(g)).toEqual({ 'measure-population': 2, 'measure-population-exclusion': 1 });
    expect(statistics(g)).toEqual({ n: 2, mean: -4.5, sd: 2.121, median: -4.5 });
    expect(g.measureScore?.value).toBe(-4.5);
    expect(g.stratifier?.[0].stratum?.map((s) => s.value?.text)).toEqual([COHORT_1, 'Cohort 2: 3 x10^6 MSC/kg']);
  });

  test('when the cut-off comes before the M12 window closes, then the visit is not due and nobody is missing yet', async () => {
    const g = await changeOf('2025-01-11');
    expect(populations(g)).toEqual({ 'measure-population': 1, 'measure-population-exclusion': 0 });
    expect(statistics(g)).toEqual({ n: 1, mean: -3, median: -3 });
  });
});
