import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { idsOf } from '../helpers/graph-fixtures';
import { storeAsGiven } from '../helpers/seed';
import { storeName, useTestApp } from '../helpers/test-app';

const STUDY = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
const NCT = { system: 'https://clinicaltrials.gov', value: 'NCT04356287' };
const [HB, ESR] = ['http://loinc.org|718-7', 'http://loinc.org|4537-7'];

const patient = (id: string): Resource => ({ resourceType: 'Patient', id, name: [{ family: id }] }) as Resource;
const enrolment = (id: string, individual: string, study: string): Resource =>
  ({ resourceType: 'ResearchSubject', id, status: 'on-study', individual: { reference: `Patient/${individual}` }, study: { reference: `ResearchStudy/${study}`, ...(study === 'care-ssc' ? { identifier: NCT } : {}) } }) as Resource;

/** The workflow-researchStudy extension naming `study`, as eCRF data carries it; hospital data has none. */
function studyExtension(study?: string) {
  return study === undefined ? undefined : [{ url: STUDY, valueReference: { reference: `ResearchStudy/${study}`, ...(study === 'care-ssc' ? { identifier: NCT } : {}) } }];
}
const observation = (id: string, subject: string, study?: string, code = HB): Resource => {
  const [system, value] = code.split('|');
  return { resourceType: 'Observation', id, status: 'final', extension: studyExtension(study), code: { coding: [{ system, code: value }] }, subject: { reference: `Patient/${subject}` } } as Resource;
};
const infusion = (id: string, subject: string, study?: string): Resource =>
  ({ resourceType: 'MedicationAdministration', id, status: 'completed', extension: studyExtension(study), medicationCodeableConcept: { text: 'UCMSC' }, subject: { reference: `Patient/${subject}` }, effectiveDateTime: '2024-03-01' }) as Resource;
const encounter = (id: string, subject: string, study?: string): Resource =>
  ({ resourceType: 'Encounter', id, status: 'finished', extension: studyExtension(study), class: { code: 'AMB' }, subject: { reference: `Patient/${subject}` } }) as Resource;

/**
 * pat-enrolled is in care-ssc, pat-other in other, pat-none in no study; pat-withdrawn's
 * ResearchSubject and pat-gone (enrolled in care-ssc) are deleted after they are stored.
 */
const RESOURCES: Resource[] = [
  ...['pat-enrolled', 'pat-other', 'pat-none', 'pat-withdrawn', 'pat-gone'].map(patient),
  enrolment('rs-enrolled', 'pat-enrolled', 'care-ssc'),
  enrolment('rs-other', 'pat-other', 'other'),
  enrolment('rs-withdrawn', 'pat-withdrawn', 'care-ssc'),
  enrolment('rs-gone', 'pat-gone', 'care-ssc'),
  observation('obs-extension-only', 'pat-none', 'care-ssc'),
  observation('obs-enrolled-hb', 'pat-enrolled'),
  observation('obs-enrolled-esr', 'pat-enrolled', undefined, ESR),
  observation('obs-both', 'pat-enrolled', 'care-ssc', ESR),
  observation('obs-other-extension-enrolled', 'pat-enrolled', 'other'),
  observation('obs-other-study', 'pat-other'),
  observation('obs-none', 'pat-none'),
  observation('obs-withdrawn', 'pat-withdrawn'),
  observation('obs-gone', 'pat-gone'),
  infusion('ma-extension-only', 'pat-none', 'care-ssc'),
  infusion('ma-enrolled', 'pat-enrolled'),
  infusion('ma-other-study', 'pat-other'),
  infusion('ma-none', 'pat-none'),
  infusion('ma-gone', 'pat-gone'),
  encounter('enc-visit', 'pat-enrolled', 'care-ssc'),
  encounter('enc-hospital', 'pat-enrolled'),
];
const DELETED = ['ResearchSubject/rs-withdrawn', 'Patient/pat-gone'];

const IN_CARE_SSC = ['obs-both', 'obs-enrolled-esr', 'obs-enrolled-hb', 'obs-extension-only', 'obs-other-extension-enrolled'];
const WITHOUT_EXTENSION = ['obs-enrolled-esr', 'obs-enrolled-hb', 'obs-gone', 'obs-none', 'obs-other-study', 'obs-withdrawn'];

/** Each query, under strict handling, must return exactly these ids. */
const CASES: [string, string[]][] = [
  // the two routes, each alone and together; a subject enrolled elsewhere, a deleted enrolment or Patient
  ['Observation?study=ResearchStudy/care-ssc', IN_CARE_SSC],
  ['Observation?study=care-ssc', IN_CARE_SSC],
  ['Observation?study=ResearchStudy/other', ['obs-other-extension-enrolled', 'obs-other-study']],
  ['Observation?study=ResearchStudy/care-ssc,ResearchStudy/other', [...IN_CARE_SSC, 'obs-other-study'].sort()],
  ['Observation?study=ResearchStudy/nowhere', []],
  // with other parameters, which are ANDed with the OR of the routes
  [`Observation?study=ResearchStudy/care-ssc&code=${HB}`, ['obs-enrolled-hb', 'obs-extension-only', 'obs-other-extension-enrolled']],
  [`Observation?study=ResearchStudy/care-ssc&code=${ESR}`, ['obs-both', 'obs-enrolled-esr']],
  ['Observation?study=ResearchStudy/other&study=ResearchStudy/care-ssc', ['obs-other-extension-enrolled']],
  // modifiers: a type or :identifier applies to both routes; :missing to the extension only
  ['Observation?study:ResearchStudy=care-ssc', IN_CARE_SSC],
  [`Observation?study:identifier=${NCT.system}|${NCT.value}`, IN_CARE_SSC],
  ['Observation?study:missing=true', WITHOUT_EXTENSION],
  ['Observation?study:missing=false', ['obs-both', 'obs-extension-only', 'obs-other-extension-enrolled']],
  ['Observation?study:missing=true&study=care-ssc', ['obs-enrolled-esr', 'obs-enrolled-hb']],
  // the enrolment route alone, as a chain; and study at the end of a chain, with both routes
  ['Observation?subject:Patient._has:ResearchSubject:individual:study=care-ssc', ['obs-both', 'obs-enrolled-esr', 'obs-enrolled-hb', 'obs-other-extension-enrolled']],
  ['Patient?_has:Observation:subject:study=care-ssc', ['pat-enrolled', 'pat-none']],
  // MedicationAdministration likewise
  ['MedicationAdministration?study=ResearchStudy/care-ssc', ['ma-enrolled', 'ma-extension-only']],
  ['MedicationAdministration?study=other', ['ma-other-study']],
  ['MedicationAdministration?study:missing=true', ['ma-enrolled', 'ma-gone', 'ma-none', 'ma-other-study']],
  // Encounter: the study's visits only, never every encounter of an enrolled patient
  ['Encounter?study=ResearchStudy/care-ssc', ['enc-visit']],
];

async function search(app: TestAppLike, path: string): Promise<Bundle> {
  return (await request(app).get(path).set('Prefer', 'handling=strict').expect(200)).body as Bundle;
}
type TestAppLike = Parameters<typeof request>[0];

describe(`Observation and MedicationAdministration by study: the extension or the subject's enrolment (${storeName()})`, () => {
  const t = useTestApp();
  beforeAll(async () => {
    // As given: the fixtures carry only what the searches look at (see storeAsGiven).
    await storeAsGiven(t.repo, RESOURCES);
    for (const reference of DELETED) {
      await request(t.app).delete(`/fhir/${reference}`).expect(200);
    }
  });

  it.each(CASES)('when searching %s, then exactly the expected resources match, each once', async (query, expected) => {
    const [type, search_] = query.split('?');
    const encoded = search_.split('&').map((pair) => pair.split('=').map(encodeURIComponent).join('=')).join('&');
    const bundle = await search(t.app, `/fhir/${type}?${encoded}`);
    expect(idsOf(bundle).sort()).toEqual([...expected].sort());
    expect(bundle.total).toBe(expected.length);
  });

  it('when a system-level search names both types, then each type is matched by both of its routes', async () => {
    const bundle = await search(t.app, '/fhir?_type=Observation,MedicationAdministration&study=ResearchStudy/care-ssc');
    expect(idsOf(bundle).sort()).toEqual([...IN_CARE_SSC, 'ma-enrolled', 'ma-extension-only'].sort());
  });

  it.each(['', '&_sort=_id', '&_sort=-code,_id'])('when the matches are paged two at a time (%s), then the pages neither skip nor repeat a match', async (sort) => {
    const seen: string[] = [];
    let next: string | undefined = `/fhir/Observation?study=ResearchStudy/care-ssc&_count=2${sort}`;
    while (next) {
      const page: Bundle = await search(t.app, next);
      expect(page.total).toBe(IN_CARE_SSC.length);
      seen.push(...idsOf(page));
      next = page.link?.find((l) => l.relation === 'next')?.url?.replace('http://localhost', '');
    }
    expect(seen).toHaveLength(IN_CARE_SSC.length);
    expect([...seen].sort()).toEqual(IN_CARE_SSC);
  });

  it('when the search is answered, then the self link shows the parameter as it was sent', async () => {
    const bundle = await search(t.app, '/fhir/Observation?study=ResearchStudy/care-ssc&code=718-7');
    const self = new URL(bundle.link?.find((l) => l.relation === 'self')?.url as string);
    expect([...self.searchParams].filter(([name]) => !name.startsWith('_'))).toEqual([['study', 'ResearchStudy/care-ssc'], ['code', '718-7']]);
  });

  it('when a search sends :not on a route, or a type the parameter cannot refer to, then strict handling refuses it', async () => {
    await request(t.app).get('/fhir/Observation?study:Patient=pat-none').set('Prefer', 'handling=strict').expect(400);
    await request(t.app).get('/fhir/Observation?study:not=care-ssc').set('Prefer', 'handling=strict').expect(400);
  });

  it('when the CapabilityStatement is read, then study says what else it matches through, on Observation and MedicationAdministration only', async () => {
    const statement = (await request(t.app).get('/fhir/metadata')).body as CapabilityStatement;
    const study = (type: string) => statement.rest?.[0].resource?.find((r) => r.type === type)?.searchParam?.find((p) => p.name === 'study');
    for (const type of ['Observation', 'MedicationAdministration']) {
      expect(study(type)?.documentation).toContain('subject:Patient._has:ResearchSubject:individual:study');
    }
    expect(study('Encounter')).toEqual({ name: 'study', type: 'reference', definition: 'https://stroma-fhir.org/fhir/SearchParameter/encounter-study' });
  });
});
