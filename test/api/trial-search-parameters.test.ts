import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { storeAsGiven } from '../helpers/seed';
import { storeName, useTestApp } from '../helpers/test-app';

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const STUDY = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
// DOMAIN.md defines no visit codes yet: the crafted visits use an example system.
const VISITS = 'http://example.org/fhir/CodeSystem/study-visits';
const [TWO, ONE, PLACEBO] = ['Two infusions of UCMSC', 'One infusion of UCMSC', 'Placebo infusions'];

function subject(assignedArm?: string, actualArm?: string): Resource {
  return { resourceType: 'ResearchSubject', status: 'on-study', study: { reference: 'ResearchStudy/care-ssc' }, individual: { reference: 'Patient/p1' }, assignedArm, actualArm } as Resource;
}

/** An AdverseEvent with a CTCAE grade (NCIt code) and the IG's suspect-entity relatedness. */
function adverseEvent(grade?: string, relatedness?: string | string[], extra: Record<string, unknown> = {}): Resource {
  const extension = [];
  if (grade) extension.push({ url: `${AE}ae-grade`, valueCodeableConcept: { coding: [{ system: NCIT, code: grade }] } });
  for (const suspected of relatedness === undefined ? [] : [relatedness].flat()) {
    extension.push({
      url: `${AE}suspect-entity`,
      extension: [
        { url: 'instance', valueReference: { reference: 'MedicationAdministration/infusion-1' } },
        { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: suspected }] } }] },
      ],
    });
  }
  return { resourceType: 'AdverseEvent', actuality: 'actual', subject: { reference: 'Patient/p1' }, extension, ...extra } as Resource;
}

function inStudy(study: string | string[] | undefined, resource: Record<string, unknown>): Resource {
  const studies = study === undefined ? [] : [study].flat();
  const extension = studies.length > 0 ? studies.map((s) => ({ url: STUDY, valueReference: { reference: `ResearchStudy/${s}` } })) : undefined;
  return { ...resource, extension } as Resource;
}

const observation = (study?: string | string[], encounter?: string) =>
  inStudy(study, { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] }, subject: { reference: 'Patient/p1' }, encounter: encounter ? { reference: `Encounter/${encounter}` } : undefined });
const infusion = (study?: string) =>
  inStudy(study, { resourceType: 'MedicationAdministration', status: 'completed', medicationCodeableConcept: { text: 'UCMSC' }, subject: { reference: 'Patient/p1' }, effectiveDateTime: '2024-03-01' });
const visit = (study: string, code: string) =>
  inStudy(study, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, type: [{ coding: [{ system: VISITS, code }] }], subject: { reference: 'Patient/p1' } });

/** Crafted resources by id; each case names the ids it must return, and no others. */
const RESOURCES: Record<string, Resource> = {
  'rs-two': subject(TWO, TWO),
  'rs-two-stopped': subject(TWO, ONE),
  'rs-one': subject(ONE, ONE),
  'rs-placebo': subject(PLACEBO, PLACEBO),
  'rs-candidate': subject(),
  'ae-g1': adverseEvent('C41338', 'C53256'),
  'ae-g3-related': adverseEvent('C41340', 'C53260', { study: [{ reference: 'ResearchStudy/care-ssc' }] }),
  'ae-g4-possibly': adverseEvent('C41337', 'C53258', { study: [{ reference: 'ResearchStudy/other' }] }),
  'ae-g5-core-unlikely': adverseEvent('C48275', undefined, {
    suspectEntity: [{ instance: { reference: 'Medication/ucmsc' }, causality: [{ assessment: { coding: [{ system: NCIT, code: 'C53257' }] } }] }],
  }),
  'ae-grade-other-system': { resourceType: 'AdverseEvent', actuality: 'actual', subject: { reference: 'Patient/p1' }, extension: [{ url: `${AE}ae-grade`, valueCodeableConcept: { coding: [{ system: 'http://example.org/grades', code: 'C41340' }] } }] } as Resource,
  'ae-ungraded': adverseEvent(),
  // two suspected entities: the infusion judged not related, a second product related
  'ae-g2-two-suspects': adverseEvent('C41339', ['C53256', 'C53260']),
  'obs-care-ssc': observation('care-ssc'),
  'obs-other': observation('other'),
  'obs-none': observation(),
  'obs-two-studies': observation(['care-ssc', 'other']),
  'obs-at-m0': observation('care-ssc', 'visit-m0'),
  'obs-at-m3': observation('care-ssc', 'visit-m3'),
  'ma-care-ssc': infusion('care-ssc'),
  'ma-none': infusion(),
  'visit-m0': visit('care-ssc', 'M0'),
  'visit-m3': visit('care-ssc', 'M3'),
  'visit-other-m3': visit('other', 'M3'),
};

const CASES: [string, string[]][] = [
  // ResearchSubject by arm name: exact, case-sensitive, no prefix match; assigned and actual apart
  [`ResearchSubject?assigned-arm=${TWO}`, ['rs-two', 'rs-two-stopped']],
  [`ResearchSubject?actual-arm=${ONE}`, ['rs-one', 'rs-two-stopped']],
  [`ResearchSubject?assigned-arm=${ONE}`, ['rs-one']],
  ['ResearchSubject?assigned-arm=Two infusions', []],
  [`ResearchSubject?assigned-arm=${TWO.toLowerCase()}`, []],
  [`ResearchSubject?assigned-arm=${PLACEBO},${ONE}`, ['rs-placebo', 'rs-one']],
  [`ResearchSubject?assigned-arm=${TWO}&actual-arm=${TWO}`, ['rs-two']],
  ['ResearchSubject?assigned-arm:missing=true', ['rs-candidate']],
  // AdverseEvent by CTCAE grade, a number from the NCIt code, with prefixes
  ['AdverseEvent?grade=3', ['ae-g3-related']],
  ['AdverseEvent?grade=ge3', ['ae-g3-related', 'ae-g4-possibly', 'ae-g5-core-unlikely']],
  ['AdverseEvent?grade=gt3', ['ae-g4-possibly', 'ae-g5-core-unlikely']],
  ['AdverseEvent?grade=lt2', ['ae-g1']],
  ['AdverseEvent?grade=le4', ['ae-g1', 'ae-g2-two-suspects', 'ae-g3-related', 'ae-g4-possibly']],
  ['AdverseEvent?grade=ne3', ['ae-g1', 'ae-g2-two-suspects', 'ae-g4-possibly', 'ae-g5-core-unlikely']],
  ['AdverseEvent?grade=2', ['ae-g2-two-suspects']],
  ['AdverseEvent?grade=2.5', []],
  ['AdverseEvent?grade:missing=true', ['ae-grade-other-system', 'ae-ungraded']],
  ['AdverseEvent?grade=ge3&study=ResearchStudy/care-ssc', ['ae-g3-related']],
  ['AdverseEvent?grade=ge3&_sort=-grade', ['ae-g5-core-unlikely', 'ae-g4-possibly', 'ae-g3-related']],
  // AdverseEvent by relatedness: the IG's suspect-entity extension, or core suspectEntity.causality
  ['AdverseEvent?relatedness=C53260', ['ae-g3-related', 'ae-g2-two-suspects']],
  [`AdverseEvent?relatedness=${NCIT}|C53260,${NCIT}|C53258`, ['ae-g3-related', 'ae-g4-possibly', 'ae-g2-two-suspects']],
  ['AdverseEvent?relatedness=C53257', ['ae-g5-core-unlikely']],
  ['AdverseEvent?relatedness=C53256', ['ae-g1', 'ae-g2-two-suspects']],
  ['AdverseEvent?relatedness=http://example.org/other|C53260', []],
  ['AdverseEvent?relatedness:not=C53260&grade:missing=false', ['ae-g1', 'ae-g4-possibly', 'ae-g5-core-unlikely']],
  // MedicationAdministration, Observation and Encounter by study (workflow-researchStudy extension; the
  // ResearchSubjects' individual Patient/p1 does not exist, so enrolment adds nothing: see trial-study-search.test.ts)
  ['Observation?study=ResearchStudy/care-ssc', ['obs-care-ssc', 'obs-at-m0', 'obs-at-m3', 'obs-two-studies']],
  ['Observation?study=other', ['obs-other', 'obs-two-studies']],
  ['Observation?study:missing=true', ['obs-none']],
  ['MedicationAdministration?study=ResearchStudy/care-ssc', ['ma-care-ssc']],
  ['MedicationAdministration?study=ResearchStudy/other', []],
  // study visits are Encounters of the study; an Observation points to its visit with R4's encounter
  [`Encounter?study=ResearchStudy/care-ssc&type=${VISITS}|M3`, ['visit-m3']],
  [`Encounter?type=${VISITS}|M3`, ['visit-m3', 'visit-other-m3']],
  ['Observation?encounter=Encounter/visit-m3', ['obs-at-m3']],
  ['Observation?encounter=Encounter/visit-m0&study=care-ssc', ['obs-at-m0']],
  // all of a study's Observations at one visit, in one query, through a chain to the visit
  [`Observation?encounter:Encounter.type=${VISITS}|M3&study=care-ssc`, ['obs-at-m3']],
  [`Observation?encounter:Encounter.type=${VISITS}|M0,${VISITS}|M3`, ['obs-at-m0', 'obs-at-m3']],
  [`Observation?encounter:Encounter.type=${VISITS}|M6`, []],
];

describe(`trial search parameters from profiles/ (${storeName()})`, () => {
  const t = useTestApp();
  beforeAll(async () => {
    // As given: the fixtures carry only what the searches look at (see storeAsGiven).
    await storeAsGiven(t.repo, Object.entries(RESOURCES).map(([id, resource]) => ({ ...resource, id })));
  });

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    const [type, search] = query.split('?');
    const encoded = search.split('&').map((pair) => pair.split('=').map(encodeURIComponent).join('=')).join('&');
    const response = await request(t.app).get(`/fhir/${type}?${encoded}`).set('Prefer', 'handling=strict').expect(200);
    const ids = ((response.body as Bundle).entry ?? []).map((e) => e.resource?.id as string);
    const sorted = query.includes('_sort') ? ids : ids.sort();
    expect(sorted).toEqual(query.includes('_sort') ? expected : [...expected].sort());
  });

  it('when the CapabilityStatement is read, then it lists each trial parameter with its canonical URL', async () => {
    const statement = (await request(t.app).get('/fhir/metadata')).body as CapabilityStatement;
    const definition = (type: string, name: string) =>
      statement.rest?.[0].resource?.find((r) => r.type === type)?.searchParam?.find((p) => p.name === name)?.definition;
    const base = 'https://stroma-fhir.org/fhir/SearchParameter/';
    expect(definition('ResearchSubject', 'assigned-arm')).toBe(`${base}researchsubject-assigned-arm`);
    expect(definition('ResearchSubject', 'actual-arm')).toBe(`${base}researchsubject-actual-arm`);
    expect(definition('AdverseEvent', 'grade')).toBe(`${base}adverseevent-grade`);
    expect(definition('AdverseEvent', 'relatedness')).toBe(`${base}adverseevent-relatedness`);
    for (const type of ['Observation', 'MedicationAdministration']) {
      expect(definition(type, 'study')).toBe(`${base}workflow-study`);
    }
    expect(definition('Encounter', 'study')).toBe(`${base}encounter-study`);
  });
});
