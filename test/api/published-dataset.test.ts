import type { AdverseEvent, List, MeasureReport, MeasureReportGroup, MedicationAdministration, Patient, ResearchSubject } from '@medplum/fhirtypes';
import request from 'supertest';
import { quantile7 } from '../../src/trial/demo';
import { tokenFor } from '../helpers/auth';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';
import { committedDataset, daysFrom } from '../unit/trial/demo/published-fixture';
import { countOf, loadPublishedDataset, postPublishedDataset, type PublishedLoad, searchAll } from './published-dataset-fixture';

/**
 * NCT02213705's published-results dataset loaded into an empty server (but for the seed trial), then the
 * figures published for the trial (seed 004, Farge et al. 2022) read back through FHIR search.
 */
const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const HTEST = 'http://terminology.hl7.org/CodeSystem/v3-ActReason|HTEST';
const COHORT_1 = 'Cohort 1: 1 x10^6 MSC/kg';
const COHORT_2 = 'Cohort 2: 3 x10^6 MSC/kg';
const RELATED = `${NCIT}|C53260`;
const UNRELATED = `${NCIT}|C53256,${NCIT}|C53257`;
const MONTH = 365.25 / 12;
const ENTRIES = committedDataset().entry?.length as number;

const statusesOf = (load: PublishedLoad['response']): string[] => [...new Set((load.entry ?? []).map((e) => e.response?.status.split(' ')[0] as string))];
const patientsOf = (events: AdverseEvent[]): Set<string> => new Set(events.map((e) => e.subject.reference as string));

describe(`the published-results dataset of NCT02213705 on the server (${storeName()})`, () => {
  const t = useTestApp();
  let load: PublishedLoad;
  let study: string;
  const ae = (query: string): string => `AdverseEvent?study=${study}${query}`;

  beforeAll(async () => {
    load = await loadPublishedDataset(t.app);
    study = load.study;
  }, 120_000);

  test('when the dataset is posted after the seed trial, then the transaction answers 200 and creates every entry (201)', () => {
    expect(load.response.entry).toHaveLength(ENTRIES);
    expect(statusesOf(load.response)).toEqual(['201']);
  });

  test('when the study is searched, then it has 20 subjects, 10 in each cohort, all off study; 13 women and 7 men', async () => {
    expect(await countOf(t.app, `ResearchSubject?study=${study}`)).toBe(20);
    expect(await countOf(t.app, `ResearchSubject?study=${study}&assigned-arm=${encodeURIComponent(COHORT_1)}`)).toBe(10);
    expect(await countOf(t.app, `ResearchSubject?study=${study}&assigned-arm=${encodeURIComponent(COHORT_2)}`)).toBe(10);
    expect(await countOf(t.app, `ResearchSubject?study=${study}&status=off-study`)).toBe(20);
    expect(await countOf(t.app, `Patient?_tag=${HTEST}&gender=female`)).toBe(13);
    expect(await countOf(t.app, `Patient?_tag=${HTEST}&gender=male`)).toBe(7);
    expect(await countOf(t.app, `MedicationAdministration?study=${study}`)).toBe(20);
  });

  test('when its adverse events are searched, then there are 39 and none is a treatment-related severe one (TRSAE)', async () => {
    expect(await countOf(t.app, ae(''))).toBe(39);
    expect(await countOf(t.app, ae('&trsae=true'))).toBe(0);
    expect(await countOf(t.app, ae(`&relatedness=${RELATED},${NCIT}|C53258&grade=ge3`))).toBe(0);
  });

  test('when related events are searched, then 3 in 2 patients: grade 1 flushing; grade 1 nausea and grade 2 asthenia; non-serious, within 10 days of the infusion', async () => {
    const related = await searchAll<AdverseEvent>(t.app, ae(`&relatedness=${RELATED}`));
    expect(related).toHaveLength(3);
    expect(patientsOf(related).size).toBe(2);
    expect((await searchAll<AdverseEvent>(t.app, ae(`&relatedness=${RELATED}&grade=1`))).map((e) => e.event?.text).sort()).toEqual(['Flushing', 'Nausea']);
    expect((await searchAll<AdverseEvent>(t.app, ae(`&relatedness=${RELATED}&grade=2`))).map((e) => e.event?.text)).toEqual(['Asthenia']);
    expect(await countOf(t.app, ae(`&relatedness=${RELATED}&seriousness=non-serious`))).toBe(3);
    const nauseaPatient = related.find((e) => e.event?.text === 'Nausea')?.subject.reference;
    expect(related.find((e) => e.event?.text === 'Asthenia')?.subject.reference).toBe(nauseaPatient);
    for (const event of related) {
      const [infusion] = await searchAll<MedicationAdministration>(t.app, `MedicationAdministration?subject=${event.subject.reference}`);
      const days = daysFrom(infusion.effectivePeriod?.start as string, event.date as string);
      expect(days >= 0 && days <= 10).toBe(true);
    }
  });

  test('when serious events are searched, then 36, grade 3 or more and not treatment related, in 14 patients (70 %), all after day 10', async () => {
    const serious = await searchAll<AdverseEvent>(t.app, ae('&seriousness=serious'));
    expect(serious).toHaveLength(36);
    expect(patientsOf(serious).size).toBe(14);
    expect(await countOf(t.app, ae('&seriousness=serious&grade=ge3'))).toBe(36);
    expect(await countOf(t.app, ae(`&seriousness=serious&relatedness=${UNRELATED}`))).toBe(36);
    const infusions = await searchAll<MedicationAdministration>(t.app, `MedicationAdministration?study=${study}`);
    const infused = new Map(infusions.map((m) => [m.subject.reference as string, m.effectivePeriod?.start as string]));
    expect(serious.filter((e) => daysFrom(infused.get(e.subject.reference as string) as string, e.date as string) <= 10)).toEqual([]);
  });

  test('when follow-up is read from the infusions and the subjects\' periods, then its median is 24.1 months and its IQR 20.8-24.5', async () => {
    const subjects = await searchAll<ResearchSubject>(t.app, `ResearchSubject?study=${study}&_include=ResearchSubject:individual`);
    const patients = new Map(subjects.filter((r) => (r.resourceType as string) === 'Patient').map((p) => [`Patient/${p.id}`, p as unknown as Patient]));
    const infusions = await searchAll<MedicationAdministration>(t.app, `MedicationAdministration?study=${study}`);
    const infused = new Map(infusions.map((m) => [m.subject.reference as string, m.effectivePeriod?.start as string]));
    const days = subjects
      .filter((r) => r.resourceType === 'ResearchSubject')
      .map((s) => daysFrom(infused.get(s.individual.reference as string) as string, s.period?.end as string))
      .sort((a, b) => a - b);
    expect(days).toHaveLength(20);
    expect(patients.size).toBe(20);
    expect([0.25, 0.5, 0.75].map((q) => Math.round((quantile7(days, q) / MONTH) * 10) / 10)).toEqual([20.8, 24.1, 24.5]);
  });

  test('when the dataset is posted again, then every entry answers 200 and nothing new is created', async () => {
    const types = ['Patient', 'Consent', 'ResearchSubject', 'Observation', 'MedicationAdministration', 'AdverseEvent'];
    const before = await Promise.all(types.map((type) => countOf(t.app, type)));
    const again = await postPublishedDataset(t.app);
    expect(statusesOf(again)).toEqual(['200']);
    expect(await Promise.all(types.map((type) => countOf(t.app, type)))).toEqual(before);
    expect(before).toEqual([20, 20, 20, 20, 20, 39]);
  });
  test('when $safety-summary is asked of the loaded dataset, then it gives exactly the published safety figures', async () => {
    const report = (await request(t.app).get(`/fhir/${study}/$safety-summary`).expect(200)).body as MeasureReport;
    const group = (code: string) => report.group?.find((g) => g.code?.coding?.[0]?.code === code) as MeasureReportGroup;
    const count = (code: string, population = 'initial-population') => group(code).population?.find((p) => p.code?.coding?.[0]?.code === population)?.count;
    const strata = (code: string, stratifier: string, population = 'initial-population') =>
      Object.fromEntries((group(code).stratifier?.find((s) => s.code?.[0]?.coding?.[0]?.code === stratifier)?.stratum ?? []).map((s) => [s.value?.text, s.population?.find((p) => p.code?.coding?.[0]?.code === population)?.count]));
    // "All 20 patients were included": 10 at 1 x10^6 and 10 at 3 x10^6 cells/kg.
    expect(count('subjects-treated')).toBe(20);
    expect(strata('subjects-treated', 'arm')).toEqual({ [COHORT_1]: 10, [COHORT_2]: 10 });
    // "three infusion-related adverse events occurred in the first 10 days after treatment; one patient had
    // grade 1 flushing and another patient had grade 1 nausea and grade 2 asthenia".
    expect(count('infusion-related-ae-10d')).toBe(3);
    expect(strata('infusion-related-ae-10d', 'ctcae-grade')).toEqual({ 1: 2, 2: 1, 3: 0, 4: 0, 5: 0 });
    const listed = report.contained?.find((c) => `#${c.id}` === group('infusion-related-ae-10d').population?.[0].subjectResults?.reference) as List;
    const early = await Promise.all(listed.entry?.map(async (e) => (await request(t.app).get(`/fhir/${e.item.reference}`).expect(200)).body as AdverseEvent) ?? []);
    expect(patientsOf(early).size).toBe(2);
    expect(early.map((e) => e.event?.text).sort()).toEqual(['Asthenia', 'Flushing', 'Nausea']);
    // "No infusion-related severe adverse events", "no treatment-related adverse event" after day 10.
    expect([count('infusion-related-sae-10d'), count('trsae'), count('subjects-with-trsae-month-1', 'numerator')]).toEqual([0, 0, 0]);
    // "36 non-treatment-related severe adverse events in 14 (70%) patients".
    expect(count('sae-not-related')).toBe(36);
    expect([count('subjects-with-sae', 'numerator'), count('subjects-with-sae', 'denominator'), group('subjects-with-sae').measureScore?.value]).toEqual([14, 20, 0.7]);
  });
});

describe(`the published-results dataset with security on (${storeName()})`, () => {
  const t = useTestApp({ auth: true });

  test('when it is posted without a token, then 401; with an admin token (npm run token\'s client), then every entry is created', async () => {
    await request(t.app).post('/fhir').set('Content-Type', FHIR_JSON).send(committedDataset()).expect(401);
    const admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    const load = await loadPublishedDataset(t.app, admin);
    expect(statusesOf(load.response)).toEqual(['201']);
    expect(await countOf(t.app, `AdverseEvent?study=${load.study}&seriousness=serious`, admin)).toBe(36);
  }, 120_000);

  test('when an investigator posts it again, then it updates in place (investigators write trial data)', async () => {
    const investigator = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    expect(statusesOf(await postPublishedDataset(t.app, investigator))).toEqual(['200']);
  }, 120_000);

});
