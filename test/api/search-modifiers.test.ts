import type { Bundle, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { labelledSearch } from '../helpers/labelled-search';
import { storeName, useTestApp } from '../helpers/test-app';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const ABSENT = [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }];

/**
 * Crafted resources, by label. The "...Empty" ones have the element, but nothing in it a search
 * could match: they count as missing, the way they count as matching no value.
 */
const RESOURCES: Record<string, Resource> = {
  patientFull: {
    resourceType: 'Patient',
    identifier: [{ system: 'http://hospital.example.org/mrn', value: '12345', type: { coding: [{ system: V2_0203, code: 'MR' }] } }],
    name: [{ family: 'Tremblay' }],
    gender: 'female',
    birthDate: '1970-05-01',
    generalPractitioner: [{ reference: 'Practitioner/gp1' }],
  },
  patientEmpty: {
    resourceType: 'Patient',
    identifier: [{ use: 'usual' }],
    name: [{ use: 'official' }],
    _birthDate: { extension: ABSENT },
    generalPractitioner: [{ display: 'Dr. Roy' }],
  } as Resource,
  patientLogicalGp: {
    resourceType: 'Patient',
    identifier: [{ system: 'http://hospital.example.org/mrn', value: '67890', type: { coding: [{ system: V2_0203, code: 'SS' }] } }],
    generalPractitioner: [{ identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' } }],
  },
  riskFull: { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [{ probabilityDecimal: 0.2 }] },
  riskEmpty: { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [{ outcome: { text: 'relapse' } }] },
  quantityFull: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 5, unit: 'mg' } },
  quantityEmpty: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { unit: 'mg', extension: ABSENT } },
  valueSetFull: { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/fhir/ValueSet/a' },
  valueSetEmpty: { resourceType: 'ValueSet', status: 'active', _url: { extension: ABSENT } } as Resource,
};

const PATIENTS = ['patientFull', 'patientEmpty', 'patientLogicalGp'];

const CASES: [string, string[]][] = [
  // :missing on each parameter type, true and false
  ['Patient?birthdate:missing=true', ['patientEmpty', 'patientLogicalGp']],
  ['Patient?birthdate:missing=false', ['patientFull']],
  ['Patient?family:missing=true', ['patientEmpty', 'patientLogicalGp']],
  ['Patient?family:missing=false', ['patientFull']],
  ['Patient?identifier:missing=true', ['patientEmpty']],
  ['Patient?identifier:missing=false', ['patientFull', 'patientLogicalGp']],
  ['Patient?gender:missing=true', ['patientEmpty', 'patientLogicalGp']],
  ['Patient?general-practitioner:missing=true', ['patientEmpty']],
  ['Patient?general-practitioner:missing=false', ['patientFull', 'patientLogicalGp']],
  ['RiskAssessment?probability:missing=true', ['riskEmpty']],
  ['RiskAssessment?probability:missing=false', ['riskFull']],
  ['Observation?value-quantity:missing=true', ['quantityEmpty']],
  ['Observation?value-quantity:missing=false', ['quantityFull']],
  ['Observation?code-value-quantity:missing=true', ['quantityEmpty']],
  ['Observation?code-value-quantity:missing=false', ['quantityFull']],
  ['ValueSet?url:missing=true', ['valueSetEmpty']],
  // _tag:not leaves out the server's copies of the profiles/ value sets, stored at start.
  ['ValueSet?url:missing=false&_tag:not=https://stroma-fhir.org/fhir/CodeSystem/server-owned|profiles', ['valueSetFull']],
  // token :of-type on identifiers: the type's system|code, then the value
  [`Patient?identifier:of-type=${V2_0203}|MR|12345`, ['patientFull']],
  [`Patient?identifier:of-type=${V2_0203}|SS|12345`, []],
  [`Patient?identifier:of-type=${V2_0203}|SS|67890`, ['patientLogicalGp']],
  [`Patient?identifier:of-type=${V2_0203}|MR|12345,${V2_0203}|SS|67890`, ['patientFull', 'patientLogicalGp']],
  ['Patient?identifier:of-type=http://other|MR|12345', []],
  // reference :identifier: the logical reference's identifier, as a token
  ['Patient?general-practitioner:identifier=http://hl7.org/fhir/sid/us-npi|1234567893', ['patientLogicalGp']],
  ['Patient?general-practitioner:identifier=1234567893', ['patientLogicalGp']],
  ['Patient?general-practitioner:identifier=http://hl7.org/fhir/sid/us-npi|', ['patientLogicalGp']],
  ['Patient?general-practitioner:identifier=|1234567893', []],
  ['Patient?general-practitioner:identifier=http://other|1234567893', []],
  ['Patient?general-practitioner:identifier=gp1', []],
  // token :text: the CodeableConcept's text
  ['Observation?code:text=x', ['quantityEmpty', 'quantityFull']],
  ['Observation?code:text=y', []],
  // a reference given as an absolute URL on this server is the local reference; another server's is not
  ['Patient?general-practitioner=http://localhost/fhir/Practitioner/gp1', ['patientFull']],
  ['Patient?general-practitioner=http://elsewhere.example.org/fhir/Practitioner/gp1', []],
];

/** R4 modifiers the server does not implement, or that do not apply to the parameter's type. */
const REFUSED = [
  'Observation?code:above=http://loinc.org|718-7',
  'Observation?code:below=http://loinc.org|718-7',
  'Observation?code:in=http://example.org/fhir/ValueSet/labs',
  'Observation?code:not-in=http://example.org/fhir/ValueSet/labs',
  'Observation?subject:text=Tremblay',
  'Observation?subject:above=Patient/p1',
  'Observation?subject:below=Patient/p1',
  'Patient?gender:of-type=http://x|y|female',
  'Patient?family:of-type=http://x|y|Tremblay',
  'Patient?family:identifier=x',
  'Patient?birthdate:exact=1970',
  'Observation?value-quantity:text=5',
  'Patient?family:exact:contains=Tremblay',
  'Observation?code-value-quantity:not=718-7$5',
];

describe(`search modifiers and :missing on every parameter type (${storeName()})`, () => {
  const t = useTestApp();
  const labelsOf = labelledSearch(t, RESOURCES);
  const search = (query: string, strict = true) => request(t.app).get(`/fhir/${query}`).set('Prefer', `handling=${strict ? 'strict' : 'lenient'}`);

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    expect(await labelsOf(query)).toEqual([...expected].sort());
  });

  it.each(REFUSED)('when %s is sent strictly, then 400; leniently, then it is ignored and the Bundle says so', async (query) => {
    const strict = await search(query).expect(400);
    expect(strict.body.resourceType).toBe('OperationOutcome');
    const lenient = (await search(query, false).expect(200)).body as Bundle;
    const type = query.slice(0, query.indexOf('?'));
    const all = Object.values(RESOURCES).filter((r) => r.resourceType === type).length;
    expect(lenient.entry?.filter((e) => e.search?.mode === 'match')).toHaveLength(all);
    const outcome = lenient.entry?.find((e) => e.search?.mode === 'outcome')?.resource;
    expect(JSON.stringify(outcome)).toContain('is not supported');
    expect(decodeURIComponent(new URL(lenient.link?.[0].url as string).search)).not.toContain(':');
  });

  it.each(['Patient?identifier:of-type=|MR|12345', `Patient?identifier:of-type=${V2_0203}|MR`, `Patient?identifier:of-type=${V2_0203}||12345`])(
    'when :of-type lacks one of system, code and value (%s), then 400',
    async (query) => {
      expect((await search(query, false).expect(400)).body.resourceType).toBe('OperationOutcome');
    },
  );

  it('when every patient is counted, then the missing and present partitions add up', async () => {
    for (const code of ['birthdate', 'family', 'identifier', 'general-practitioner']) {
      const missing = (await search(`Patient?${code}:missing=true`).expect(200)).body.total;
      const present = (await search(`Patient?${code}:missing=false`).expect(200)).body.total;
      expect(missing + present).toBe(PATIENTS.length);
    }
  });
});
