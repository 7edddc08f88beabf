import type { Bundle, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { labelledSearch } from '../helpers/labelled-search';
import { storeName, useTestApp } from '../helpers/test-app';

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const TRIAL = 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments';
const USAGE = 'http://terminology.hl7.org/CodeSystem/usage-context-type';

/** Crafted resources, by label; each case below names the labels it must return, and no others. */
const RESOURCES: Record<string, Resource> = {
  hb135: observation(LOINC, '718-7', { valueQuantity: { value: 13.5, unit: 'g/dL', system: UCUM, code: 'g/dL' } }),
  hb120gL: observation(LOINC, '718-7', { valueQuantity: { value: 120, unit: 'g/L', system: UCUM, code: 'g/L' } }),
  glucose90: observation(LOINC, '2339-0', { valueQuantity: { value: 90, unit: 'mg/dL', system: UCUM, code: 'mg/dL' } }),
  // the value is present but holds no number: no quantity, so no code-value-quantity either
  hbNoValue: observation(LOINC, '718-7', { valueQuantity: { unit: 'g/dL', system: UCUM, code: 'g/dL' } }),
  bloodPressure: observation(LOINC, '85354-9', {
    component: [
      { code: concept(LOINC, '8480-6'), valueQuantity: { value: 120, system: UCUM, code: 'mm[Hg]' } },
      { code: concept(LOINC, '8462-4'), valueQuantity: { value: 80, system: UCUM, code: 'mm[Hg]' } },
    ],
  }),
  pregnancyPositive: observation(LOINC, '2106-3', { valueCodeableConcept: concept(SNOMED, '10828004') }),
  pregnancyNegative: observation(LOINC, '2106-3', { valueCodeableConcept: concept(SNOMED, '260385009') }),
  bilag: observation(TRIAL, 'bilag-organ', {
    component: [
      { code: concept(TRIAL, 'renal'), valueCodeableConcept: concept(TRIAL, 'A') },
      { code: concept(TRIAL, 'mucocutaneous'), valueCodeableConcept: concept(TRIAL, 'C') },
    ],
  }),
  deliveryDate: observation(LOINC, '11778-8', { valueDateTime: '2024-03-15' }),
  noteString: observation(TRIAL, 'note', { valueString: 'Positive a$b' }),
  // value-string also covers CodeableConcept.text, but code-value-string's component is value.as(string) only
  noteConcept: observation(TRIAL, 'note', { valueCodeableConcept: { text: 'Positive' } }),
  group: {
    resourceType: 'Group',
    type: 'person',
    actual: false,
    characteristic: [
      { code: concept(TRIAL, 'gender'), valueCodeableConcept: concept('http://hl7.org/fhir/administrative-gender', 'female'), exclude: false },
      { code: concept(TRIAL, 'smoker'), valueBoolean: true, exclude: false },
    ],
  } as Resource,
  // R4 swaps this composite's component definitions; the values follow its paths: relation (code) $ target
  replacement: {
    resourceType: 'DocumentReference',
    status: 'current',
    content: [{ attachment: { contentType: 'text/plain' } }],
    relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/old1' } }],
  } as Resource,
  valueSet: {
    resourceType: 'ValueSet',
    status: 'active',
    useContext: [
      { code: { system: USAGE, code: 'focus' }, valueCodeableConcept: concept(SNOMED, '89627008') },
      { code: { system: USAGE, code: 'age' }, valueRange: { low: { value: 18, system: UCUM, code: 'a' }, high: { value: 65, system: UCUM, code: 'a' } } },
    ],
  } as Resource,
};

const CASES: [string, string[]][] = [
  // code-value-quantity: both components on the Observation itself; prefixes and UCUM on the value
  ['Observation?code-value-quantity=http://loinc.org|718-7$13.5', ['hb135']],
  ['Observation?code-value-quantity=http://loinc.org|718-7$gt10|http://unitsofmeasure.org|g/dL', ['hb135', 'hb120gL']],
  ['Observation?code-value-quantity=http://loinc.org|718-7$lt12.5|http://unitsofmeasure.org|g/dL', ['hb120gL']],
  ['Observation?code-value-quantity=718-7$135|http://unitsofmeasure.org|g/L', ['hb135']],
  ['Observation?code-value-quantity=http://loinc.org|718-7$90', []],
  ['Observation?code-value-quantity=http://loinc.org|2339-0$13.5', []],
  ['Observation?code-value-quantity=http://loinc.org|718-7$13.5,http://loinc.org|2339-0$90', ['hb135', 'glucose90']],
  ['Observation?code-value-quantity=718-7$gt10|http://unitsofmeasure.org|g/dL&code-value-quantity=718-7$lt13|http://unitsofmeasure.org|g/dL', ['hb120gL']],
  ['Observation?code-value-quantity=718-7$gt10&code-value-quantity=718-7$lt100', ['hb135']],
  ['Observation?code-value-quantity:missing=true', ['hbNoValue', 'bloodPressure', 'pregnancyPositive', 'pregnancyNegative', 'bilag', 'deliveryDate', 'noteString', 'noteConcept']],
  ['Observation?code-value-quantity:missing=false', ['hb135', 'hb120gL', 'glucose90']],
  // component-code-value-quantity: code and value must be on the SAME component
  ['Observation?component-code-value-quantity=http://loinc.org|8480-6$120', ['bloodPressure']],
  ['Observation?component-code-value-quantity=http://loinc.org|8480-6$80', []],
  ['Observation?component-code-value-quantity=8462-4$lt90|http://unitsofmeasure.org|mm[Hg]', ['bloodPressure']],
  ['Observation?component-code-value-quantity=8480-6$gt15|http://unitsofmeasure.org|kPa', ['bloodPressure']],
  ['Observation?component-code-value-quantity=http://loinc.org|718-7$13.5', []],
  ['Observation?component-code-value-quantity:missing=false', ['bloodPressure']],
  // combo-code-value-quantity: the Observation's own code and value, or one component's
  ['Observation?combo-code-value-quantity=http://loinc.org|8480-6$120', ['bloodPressure']],
  ['Observation?combo-code-value-quantity=http://loinc.org|85354-9$120', []],
  ['Observation?combo-code-value-quantity=http://loinc.org|718-7$13.5,http://loinc.org|8462-4$80', ['hb135', 'bloodPressure']],
  ['Observation?combo-code-value-quantity=http://loinc.org|8462-4$120', []],
  ['Observation?combo-code-value-quantity:missing=false', ['hb135', 'hb120gL', 'glucose90', 'bloodPressure']],
  // code-value-concept, component-code-value-concept and combo-code-value-concept
  ['Observation?code-value-concept=http://loinc.org|2106-3$http://snomed.info/sct|10828004', ['pregnancyPositive']],
  ['Observation?code-value-concept=2106-3$260385009', ['pregnancyNegative']],
  ['Observation?code-value-concept=2106-3$10828004,2106-3$260385009', ['pregnancyPositive', 'pregnancyNegative']],
  ['Observation?code-value-concept=718-7$10828004', []],
  ['Observation?component-code-value-concept=renal$A', ['bilag']],
  ['Observation?component-code-value-concept=renal$C', []],
  ['Observation?combo-code-value-concept=mucocutaneous$C,2106-3$10828004', ['bilag', 'pregnancyPositive']],
  // code-value-date: date precision and prefixes on the value
  ['Observation?code-value-date=http://loinc.org|11778-8$2024-03', ['deliveryDate']],
  ['Observation?code-value-date=http://loinc.org|11778-8$2024-04', []],
  ['Observation?code-value-date=11778-8$ge2024-01-01', ['deliveryDate']],
  ['Observation?code-value-date=11778-8$lt2024-03-15', []],
  ['Observation?code-value-date=2106-3$2024', []],
  // code-value-string: string starts-with; an escaped $ belongs to the value
  ['Observation?code-value-string=note$posit', ['noteString']],
  ['Observation?code-value-string=note$Positive a\\$b', ['noteString']],
  ['Observation?code-value-string=note$negative', []],
  ['Observation?code-value-string:missing=false', ['noteString']],
  // composites of other resources: components on the same characteristic / use context
  ['Group?characteristic-value=gender$female', ['group']],
  ['Group?characteristic-value=gender$true', []],
  ['Group?characteristic-value=smoker$true', ['group']],
  ['DocumentReference?relationship=replaces$DocumentReference/old1', ['replacement']],
  ['DocumentReference?relationship=appends$DocumentReference/old1', []],
  ['DocumentReference?relationship=replaces$DocumentReference/other', []],
  ['ValueSet?context-type-value=focus$http://snomed.info/sct|89627008', ['valueSet']],
  ['ValueSet?context-type-value=age$89627008', []],
  ['ValueSet?context-type-quantity=age$gt20', ['valueSet']],
  ['ValueSet?context-type-quantity=focus$gt20', []],
  ['ValueSet?context-type-quantity=age$gt70', []],
];

describe(`search by composite parameters (${storeName()})`, () => {
  const t = useTestApp();
  const labelsOf = labelledSearch(t, RESOURCES);

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    expect(await labelsOf(query)).toEqual([...expected].sort());
  });

  it.each([
    'Observation?code-value-quantity=http://loinc.org|718-7',
    'Observation?code-value-quantity=718-7$13.5$g',
    'Observation?code-value-quantity=718-7$',
    'Observation?code-value-quantity=718-7$abc',
    'Observation?code-value-date=718-7$yesterday',
    'Observation?_sort=code-value-quantity',
  ])('when a composite value is malformed (%s), then 400 with an OperationOutcome', async (query) => {
    const response = await request(t.app).get(`/fhir/${query}`).expect(400);
    expect(response.body.resourceType).toBe('OperationOutcome');
  });

  it('when a composite gets a modifier other than :missing, then strict handling refuses it and lenient ignores it with a warning', async () => {
    await request(t.app).get('/fhir/Observation?code-value-quantity:exact=718-7$13.5').set('Prefer', 'handling=strict').expect(400);
    const lenient = (await request(t.app).get('/fhir/Observation?code-value-quantity:exact=718-7$13.5').expect(200)).body as Bundle;
    expect(lenient.entry?.filter((e) => e.search?.mode === 'match')).toHaveLength(Object.values(RESOURCES).filter((r) => r.resourceType === 'Observation').length);
    expect(lenient.entry?.find((e) => e.search?.mode === 'outcome')?.resource?.resourceType).toBe('OperationOutcome');
  });

  it('when the CapabilityStatement is read, then it lists the composites with their definitions', async () => {
    const statement = (await request(t.app).get('/fhir/metadata').expect(200)).body;
    const observation = statement.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
    const composites = observation.searchParam.filter((p: { type: string }) => p.type === 'composite').map((p: { name: string }) => p.name);
    expect(composites).toEqual(expect.arrayContaining(['code-value-quantity', 'component-code-value-quantity', 'combo-code-value-quantity']));
  });
});

function concept(system: string, code: string) {
  return { coding: [{ system, code }] };
}

function observation(system: string, code: string, rest: Record<string, unknown>): Resource {
  return { resourceType: 'Observation', status: 'final', code: concept(system, code), subject: { reference: 'Patient/p1' }, ...rest } as Resource;
}
