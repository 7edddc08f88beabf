import type { Bundle, Extension, Location, Organization, PractitionerRole } from '@medplum/fhirtypes';
import { ctgovToBundle } from '../../../../src/trial/ctgov/map-record';
import { groupOf, resourcesOf, seedRecord, studyOf } from './ctgov-fixture';

const DOSE_PER_KG = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';
const OUTCOME = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.outcomeMeasure';
const TIME_FRAME = 'https://stroma-fhir.org/fhir/StructureDefinition/outcome-time-frame';

const bundleOf = (nctId: string): Bundle => ctgovToBundle(seedRecord(nctId));
const sub = (ext: Extension, url: string): Extension | undefined => ext.extension?.find((e) => e.url === url);
const dosesOf = (bundle: Bundle): (number | undefined)[] =>
  (studyOf(bundle).arm ?? []).map((a) => a.extension?.find((e) => e.url === DOSE_PER_KG)?.valueQuantity?.value);

describe('ctgovToBundle: NCT04356287 (UCMSC in systemic sclerosis)', () => {
  const bundle = bundleOf('NCT04356287');
  const study = studyOf(bundle);

  test('when mapped, then the study is a Phase 1 treatment study, recruiting, with its NCT identifier', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    expect(study.identifier?.[0]).toEqual({ use: 'official', system: 'https://clinicaltrials.gov', value: 'NCT04356287' });
    expect(study.status).toBe('active');
    expect(study.phase?.coding?.[0].code).toBe('phase-1');
    expect(study.primaryPurposeType?.coding?.[0].code).toBe('treatment');
    expect(study.title).toBe('Treatment With Human Umbilical Cord-derived Mesenchymal Stromal Cells in Systemic Sclerosis');
  });

  test('when mapped, then it has three arms, the cell arms at 1 million cells/kg in 50 mL PlasmaLyte A', () => {
    expect(study.arm?.map((a) => [a.name, a.type?.coding?.[0].code])).toEqual([
      ['Two infusions of UCMSC', 'experimental'],
      ['Placebo infusions', 'placebo-comparator'],
      ['One infusion of UCMSC', 'experimental'],
    ]);
    expect(dosesOf(bundle)).toEqual([1e6, undefined, 1e6]);
    expect(study.arm?.[0].description).toContain('1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A');
  });

  test('when mapped, then 18 participants are planned in the enrollment Group, adults of either sex', () => {
    const group = groupOf(bundle);
    expect(group).toMatchObject({ type: 'person', actual: false, quantity: 18 });
    expect(study.enrollment?.[0].reference).toBe(bundle.entry?.find((e) => e.resource === group)?.fullUrl);
    // Besides the thresholds (eligibility-thresholds.test.ts): the age range only, no sex.
    expect(group.characteristic?.filter((c) => c.valueQuantity === undefined)).toEqual([
      expect.objectContaining({ valueRange: { low: { value: 18, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' } } }),
    ]);
    expect(group.text?.div).toContain('Inclusion Criteria:');
    expect(group.text?.div).toContain('Age &lt; 18 years');
  });

  test('when mapped, then the primary outcome is at Month 1 and graded by CTCAE v5.0', () => {
    const outcomes = study.extension?.filter((e) => e.url === OUTCOME) ?? [];
    expect(outcomes).toHaveLength(2);
    const primary = outcomes[0];
    expect(sub(primary, 'type')?.valueCodeableConcept?.coding?.[0].code).toBe('primary');
    expect(sub(primary, TIME_FRAME)?.valueString).toBe('Month 1');
    expect(sub(primary, 'description')?.valueMarkdown).toContain('CTCAE) v5.0');
    expect(study.objective?.map((o) => o.type?.coding?.[0].code)).toEqual(['primary', 'secondary']);
  });

  test('when mapped, then design, condition code, sponsor, collaborators, site and investigator are there', () => {
    const ext = (url: string): string | undefined => study.extension?.find((e) => e.url === url)?.valueCodeableConcept?.coding?.[0].code;
    expect(ext('https://stroma-fhir.org/fhir/StructureDefinition/study-allocation')).toBe('RANDOMIZED');
    expect(ext('https://stroma-fhir.org/fhir/StructureDefinition/study-masking')).toBe('DOUBLE');
    const model = study.extension?.find((e) => e.url === 'https://stroma-fhir.org/fhir/StructureDefinition/study-intervention-model');
    expect(model?.extension?.[0]).toEqual({
      url: 'model',
      valueCodeableConcept: { coding: [{ system: 'https://stroma-fhir.org/fhir/CodeSystem/ctgov-intervention-model', code: 'PARALLEL' }] },
    });
    expect(model?.extension?.[1].valueMarkdown).toContain('3 successive blocks of 6 patients each');
    expect(study.condition?.[0].coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '89155008' });
    expect(study.condition?.[1]).toEqual({ text: 'Mesenchymal Stem Cells' });
    expect(resourcesOf<Organization>(bundle, 'Organization').map((o) => o.name)).toHaveLength(7);
    expect(study.sponsor?.display).toBe('Marie Hudson, MD');
    expect(resourcesOf<Location>(bundle, 'Location')[0]).toMatchObject({
      name: 'Sir Mortimer B. Davis Jewish General Hospital',
      address: { city: 'Montreal', state: 'Quebec', country: 'Canada' },
    });
    const pi = resourcesOf<PractitionerRole>(bundle, 'PractitionerRole')[0];
    expect(pi.code?.[0].text).toBe('Principal Investigator');
    expect(study.principalInvestigator?.reference).toBe(bundle.entry?.find((e) => e.resource === pi)?.fullUrl);
    expect(study.period).toBeUndefined();
  });
});

describe('ctgovToBundle: NCT02213705 (bone-marrow MSC in systemic sclerosis)', () => {
  const bundle = bundleOf('NCT02213705');
  const study = studyOf(bundle);

  test('when mapped, then 20 participants aged 18 to 70 are planned, and the study is completed, Phase 1/2', () => {
    expect(groupOf(bundle).quantity).toBe(20);
    expect(groupOf(bundle).characteristic?.[0].valueRange).toMatchObject({ low: { value: 18 }, high: { value: 70 } });
    expect(study.status).toBe('completed');
    expect(study.phase?.coding?.[0].code).toBe('phase-1-phase-2');
    expect(study.period).toEqual({ start: '2014-05-06', end: '2022-06-16' });
  });

  test('when mapped, then the org study id and the two references are kept', () => {
    expect(study.identifier?.[1]).toMatchObject({ use: 'secondary', value: 'MSC Severe Systemic Sclerosis' });
    expect(study.relatedArtifact?.map((a) => [a.type, a.label, a.url])).toEqual([
      ['citation', 'BACKGROUND', 'https://pubmed.ncbi.nlm.nih.gov/38288741/'],
      ['citation', 'DERIVED', 'https://pubmed.ncbi.nlm.nih.gov/36928395/'],
    ]);
  });

  test('when mapped, then the single arm has no dose, since the registry record states none', () => {
    expect(study.arm).toHaveLength(1);
    expect(dosesOf(bundle)).toEqual([undefined]);
  });
});

describe('ctgovToBundle: NCT03562065 (umbilical-cord MSC in lupus)', () => {
  const bundle = bundleOf('NCT03562065');
  const study = studyOf(bundle);

  test('when mapped, then the brief title is the title, and the official title and the acronym are R5 labels', () => {
    expect(study.title).toBe('Treatment of Refractory Systemic Lupus Erythematosus by Allogeneic Mesenchymal Stem Cells Derived From the Umbilical Cord');
    const labels = (study.extension ?? [])
      .filter((e) => e.url === 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.label')
      .map((e) => [e.extension?.[0].valueCodeableConcept?.coding?.[0].code, e.extension?.[1].valueString]);
    expect(labels).toEqual([
      ['official', 'Treatment of Refractory Systemic Lupus Erythematosus by Injection of Allogeneic Mesenchymal Stem Cells Derived From the Umbilical Cord'],
      ['acronym', 'MSC-SLE'],
    ]);
  });

  test('when mapped, then the one registered arm becomes a dose cohort each at 1, 2 and 4 x10^6 cells/kg', () => {
    expect(study.arm?.map((a) => a.name)).toEqual([
      'mesenchymal stem cells, 1 x10^6 cells/kg',
      'mesenchymal stem cells, 2 x10^6 cells/kg',
      'mesenchymal stem cells, 4 x10^6 cells/kg',
    ]);
    expect(dosesOf(bundle)).toEqual([1e6, 2e6, 4e6]);
  });

  test('when mapped, then the SRI definition is among the outcome measures', () => {
    const sri = (study.extension ?? []).filter((e) => e.url === OUTCOME && sub(e, 'name')?.valueString === 'SRI Month 3');
    expect(sri).toHaveLength(1);
    expect(sub(sri[0], TIME_FRAME)?.valueString).toBe('3 months');
    const definition = sub(sri[0], 'description')?.valueMarkdown ?? '';
    for (const part of ['Responder Index', '4 points reduction of SELENA SLEDAI-score', 'no new BILAG A score', 'no more than one new BILAG B score']) {
      expect(definition).toContain(part);
    }
  });

  test('when mapped, then the central contacts, estimated dates and planned 10 participants are kept', () => {
    expect(study.contact?.map((c) => c.name)).toEqual(['Dominique Farge, MD PhD', 'Matthieu RESCHE-RIGON, MD PhD']);
    expect(study.period).toEqual({ start: '2018-07-01', end: '2021-06-01' });
    expect(study.status).toBe('approved');
    expect(groupOf(bundle).quantity).toBe(10);
  });
});

describe('ctgovToBundle: idempotent import', () => {
  test.each(['NCT04356287', 'NCT02213705', 'NCT03562065'])(
    'when %s is mapped, then every entry is a conditional PUT on an identifier the resource carries',
    (nctId) => {
      const bundle = bundleOf(nctId);
      expect(bundle.entry?.[0].request).toEqual({ method: 'PUT', url: `ResearchStudy?identifier=https://clinicaltrials.gov|${nctId}` });
      for (const entry of bundle.entry ?? []) {
        expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
        const [type, query] = entry.request?.url.split('?identifier=') ?? [];
        expect(entry.request?.method).toBe('PUT');
        expect(type).toBe(entry.resource?.resourceType);
        const [system, value] = decodeURIComponent(query).split(/(?<!\\)\|/);
        const ids = (entry.resource as { identifier?: { system?: string; value?: string }[] }).identifier ?? [];
        // R4 search escaping: "Marie Hudson\, MD" in the query is the value "Marie Hudson, MD".
        expect(ids).toContainEqual(expect.objectContaining({ system, value: value.replace(/\\([\\,|$])/g, '$1') }));
      }
    },
  );

  test('when a record is mapped twice, then the bundles are equal and every reference resolves in the bundle', () => {
    const first = bundleOf('NCT04356287');
    expect(bundleOf('NCT04356287')).toEqual(first);
    const fullUrls = new Set(first.entry?.map((e) => e.fullUrl));
    expect(fullUrls.size).toBe(first.entry?.length);
    const refs = JSON.stringify(first).match(/"reference":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) expect(fullUrls).toContain(ref.slice('"reference":"'.length, -1));
  });
});
