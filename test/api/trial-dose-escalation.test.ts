import type { Bundle, Parameters } from '@medplum/fhirtypes';
import request from 'supertest';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { armOf, diagnostics, eligibleSubjects, randomize } from './trial-randomization-fixture';

const FARGE = 'NCT02213705';
const LUPUS = 'NCT03562065';
const COHORT_1 = 'Cohort 1: 1 x10^6 MSC/kg';
const COHORT_2 = 'Cohort 2: 3 x10^6 MSC/kg';
const LUPUS_DOSES = ['mesenchymal stem cells, 1 x10^6 cells/kg', 'mesenchymal stem cells, 2 x10^6 cells/kg', 'mesenchymal stem cells, 4 x10^6 cells/kg'];

describe(`$randomize in an open-label dose escalation: cohorts fill in order (${storeName()})`, () => {
  const t = useTestApp();
  const studies = new Map<string, string>();

  beforeAll(async () => {
    for (const nct of [FARGE, LUPUS]) {
      await request(t.app).post('/fhir').set('content-type', FHIR_JSON).send(seedTrials().get(nct)).expect(200);
      const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${nct}`).expect(200);
      studies.set(nct, `ResearchStudy/${(found.body as Bundle).entry?.[0]?.resource?.id}`);
    }
  }, 120_000);

  test('when 20 subjects of NCT02213705 are assigned, then the first 10 get 1 x10^6 cells/kg and the next 10 get 3 x10^6; the 21st is refused', async () => {
    const study = studies.get(FARGE) as string;
    const subjects = await eligibleSubjects(t.app, {}, study, 21);
    const arms: string[] = [];
    for (const who of subjects.slice(0, 3)) arms.push(armOf(await randomize(t.app, {}, study, who.subject)));
    // The second dose does not open early, even when asked for.
    expect(diagnostics(await randomize(t.app, {}, study, subjects[3].subject, COHORT_2), 409)).toContain(`"${COHORT_1}" has 3 of its 10 subjects`);
    for (const who of subjects.slice(3, 20)) arms.push(armOf(await randomize(t.app, {}, study, who.subject)));
    expect(arms).toEqual([...Array<string>(10).fill(COHORT_1), ...Array<string>(10).fill(COHORT_2)]);
    expect(diagnostics(await randomize(t.app, {}, study, subjects[20].subject), 409)).toContain('every dose cohort is full');

    const log = await request(t.app).get(`/fhir/${study}/$allocation-log`).expect(200);
    const doses = ((log.body as Parameters).parameter ?? []).flatMap((p) => p.part?.find((x) => x.name === 'dosePerKg')?.valueQuantity?.value ?? []);
    expect(doses).toEqual([...Array<number>(10).fill(1_000_000), ...Array<number>(10).fill(3_000_000)]);
  });

  test('when NCT03562065 escalates 1 -> 2 -> 4 x10^6 cells/kg, then each cohort stays open until the next is named, and none is skipped or reopened', async () => {
    const study = studies.get(LUPUS) as string;
    const [a, b, c, d, e, f] = await eligibleSubjects(t.app, {}, study, 6);
    expect(armOf(await randomize(t.app, {}, study, a.subject))).toBe(LUPUS_DOSES[0]);
    expect(armOf(await randomize(t.app, {}, study, b.subject))).toBe(LUPUS_DOSES[0]);
    expect(diagnostics(await randomize(t.app, {}, study, c.subject, LUPUS_DOSES[2]), 409)).toContain(`"${LUPUS_DOSES[2]}" cannot open before "${LUPUS_DOSES[1]}"`);
    expect(armOf(await randomize(t.app, {}, study, c.subject, LUPUS_DOSES[1]))).toBe(LUPUS_DOSES[1]);
    expect(armOf(await randomize(t.app, {}, study, d.subject))).toBe(LUPUS_DOSES[1]);
    expect(diagnostics(await randomize(t.app, {}, study, e.subject, LUPUS_DOSES[0]), 409)).toContain(`"${LUPUS_DOSES[0]}" is closed`);
    expect(armOf(await randomize(t.app, {}, study, e.subject, LUPUS_DOSES[2]))).toBe(LUPUS_DOSES[2]);
    expect(armOf(await randomize(t.app, {}, study, f.subject))).toBe(LUPUS_DOSES[2]);
  });

  test('when the subject belongs to another study, then it is refused with 422 naming its study', async () => {
    const [other] = await eligibleSubjects(t.app, {}, studies.get(LUPUS) as string, 1);
    expect(diagnostics(await randomize(t.app, {}, studies.get(FARGE) as string, other.subject), 422)).toContain(`is a subject of ${studies.get(LUPUS)}`);
  });
});
