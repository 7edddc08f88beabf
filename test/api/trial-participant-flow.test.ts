import type { Bundle, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import request from 'supertest';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { enrol } from '../helpers/enrolment';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const CARE_SSC = 'NCT04356287';
const TWO = 'Two infusions of UCMSC';
const PLACEBO = 'Placebo infusions';
const REASON = 'https://stroma-fhir.org/fhir/StructureDefinition/withdrawal-reason';

/** $participant-flow (issue 8 point 3) on NCT04356287, made open label so the arms can be counted here. */
describe(`$participant-flow (${storeName()})`, () => {
  const t = useTestApp();
  let study = '';

  beforeAll(async () => {
    const trial = seedTrials().get(CARE_SSC) as Bundle;
    const masking = 'https://stroma-fhir.org/fhir/StructureDefinition/study-masking';
    const open = {
      ...trial,
      entry: trial.entry?.map((e) => {
        if (e.resource?.resourceType !== 'ResearchStudy') return e;
        const extension = e.resource.extension?.map((x) => (x.url === masking ? { ...x, valueCodeableConcept: { coding: [{ ...x.valueCodeableConcept?.coding?.[0], code: 'NONE' }] } } : x));
        return { ...e, resource: { ...e.resource, extension } };
      }),
    };
    await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(open).expect(200);
    const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${CARE_SSC}`).expect(200);
    study = `ResearchStudy/${(found.body as Bundle).entry?.[0]?.resource?.id}`;
    await enrol(t.app, { study, status: 'screening' });
    await enrol(t.app, { study, status: 'ineligible' });
    await enrol(t.app, { study, status: 'eligible' });
    await enrol(t.app, { study, arm: TWO, perKg: 1_000_000, infusions: ['2024-01-10', '2024-04-10'] });
    await enrol(t.app, { study, arm: TWO, perKg: 1_000_000, infusions: ['2024-01-10'] });
    await enrol(t.app, { study, arm: PLACEBO, infusions: ['2024-01-10'] });
    await enrol(t.app, { study, arm: PLACEBO, status: 'withdrawn', withdrawal: [{ url: REASON, valueCodeableConcept: { text: 'Moved away' } }] });
    await enrol(t.app, { study, status: 'withdrawn', withdrawal: [{ url: REASON, valueCodeableConcept: { text: 'Moved away' } }] });
  }, 180_000);

  const group = (report: MeasureReport, code: string): MeasureReportGroup => report.group?.find((g) => g.code?.coding?.[0]?.code === code) as MeasureReportGroup;
  const figures = (report: MeasureReport) =>
    Object.fromEntries((report.group ?? []).map((g) => [g.code?.coding?.[0]?.code, g.population?.[0]?.count]));
  const strata = (g: MeasureReportGroup, stratifier: string) =>
    Object.fromEntries((g.stratifier?.find((s) => s.code?.[0]?.coding?.[0]?.code === stratifier)?.stratum ?? []).map((s) => [s.value?.text, s.population?.[0]?.count]));

  test('when subjects are at every stage, then each is counted where the lifecycle and its infusions put it', async () => {
    const report = (await request(t.app).get(`/fhir/${study}/$participant-flow?as-of=2024-12-31`).expect(200)).body as MeasureReport;
    expect(report).toMatchObject({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: 'https://stroma-fhir.org/fhir/Measure/participant-flow' });
    expect(figures(report)).toEqual({ screened: 8, eligible: 5, ineligible: 1, randomized: 4, 'infused-first': 3, 'infused-second': 1, completed: 0, withdrawn: 2 });
    expect(strata(group(report, 'randomized'), 'arm')).toEqual({ [TWO]: 2, 'One infusion of UCMSC': 0, [PLACEBO]: 2 });
    expect(strata(group(report, 'screened'), 'arm')).toMatchObject({ 'no arm': 4 });
    expect(strata(group(report, 'withdrawn'), 'withdrawal-reason')).toEqual({ 'Moved away': 2 });
  });

  test('when as-of comes before the second infusion, then only first infusions are counted', async () => {
    const report = (await request(t.app).get(`/fhir/${study}/$participant-flow?as-of=2024-02-01`).expect(200)).body as MeasureReport;
    expect(figures(report)).toMatchObject({ 'infused-first': 3, 'infused-second': 0 });
  });
});
