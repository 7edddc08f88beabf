import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../../../../../src/fhir/conformance/r4-definitions';
import { createRegistries } from '../../../../../src/fhir/conformance/registries';
import { branchesFor, Indexer } from '../../../../../src/store/postgres/indexing/indexer';
import { SEARCHABLE_TYPES } from '../../../../../src/store/postgres';
import { buildIndexing } from '../../../../../src/store/postgres/indexing/build-indexing';

describe('expressionFor', () => {
  it('when an R4 expression is shared by several types, then only the branches of the resource type are kept', () => {
    const shared = 'AllergyIntolerance.code | Condition.code | (Observation.value as CodeableConcept) | Observation.code';
    expect(branchesFor(shared, 'Observation')).toEqual(['(Observation.value as CodeableConcept)', 'Observation.code']);
    expect(branchesFor(shared, 'Patient')).toEqual([]);
  });

  it('when a union is inside parentheses or quotes, then it is not split there', () => {
    expect(branchesFor("Patient.name.where(use = 'a|b') | Person.name", 'Patient')).toEqual(["Patient.name.where(use = 'a|b')"]);
  });
});

describe('Indexer', () => {
  loadR4Definitions();
  const registries = createRegistries(SEARCHABLE_TYPES);
  const indexer = new Indexer(registries.searchParameters.indexed(), { baseUrl: 'http://example.org/fhir', storedCodes: (_type, code) => [code], compositeBranches: () => undefined });
  const rowsOf = (resource: Patient | Observation, table: string) =>
    [...indexer.rowsFor(resource).entries()].find(([index]) => index.table === table)?.[1] ?? [];

  it('when a Patient is indexed, then identifiers become tokens and names accent-free strings', () => {
    const patient: Patient = {
      resourceType: 'Patient',
      identifier: [{ system: 'http://mrn', value: 'A1' }],
      name: [{ family: 'Lévesque', given: ['Zoé'] }],
      gender: 'female',
    };
    expect(rowsOf(patient, 'idx_token')).toEqual(expect.arrayContaining([['identifier', 'http://mrn', 'A1', null, null, null], ['gender', null, 'female', null, null, null]]));
    expect(rowsOf(patient, 'idx_string')).toEqual(expect.arrayContaining([['family', 'levesque', 'Lévesque'], ['given', 'zoe', 'Zoé']]));
  });

  it('when an Observation is indexed, then its choice-typed date and references are extracted', () => {
    const observation: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '718-7' }], text: 'Hemoglobin' },
      subject: { reference: 'http://example.org/fhir/Patient/p1' },
      effectivePeriod: { start: '2024-01-01', end: '2024-01-02T10:00:00Z' },
    };
    expect(rowsOf(observation, 'idx_reference')).toEqual(expect.arrayContaining([['subject', 'Patient', 'p1', null, null, null], ['patient', 'Patient', 'p1', null, null, null]]));
    const groupSubject = { ...observation, subject: { reference: 'Group/g1' } };
    expect(rowsOf(groupSubject, 'idx_reference').filter(([code]) => code === 'patient')).toEqual([]);
    expect(rowsOf(observation, 'idx_date')).toContainEqual(['date', '2024-01-01T00:00:00.000Z', '2024-01-02T10:00:01.000Z']);
    expect(rowsOf(observation, 'idx_token')).toEqual(expect.arrayContaining([['code', 'http://loinc.org', '718-7', null, null, null], ['code', null, null, 'Hemoglobin', null, null]]));
  });
});

describe('Indexer with composites, identifier types and UCUM', () => {
  const { indexer } = buildIndexing(createRegistries(SEARCHABLE_TYPES).searchParameters.indexed(), 'http://example.org/fhir');
  const rowsOf = (resource: Resource, table: string, code?: string) =>
    ([...indexer.rowsFor(resource).entries()].find(([index]) => index.table === table)?.[1] ?? []).filter((row) => !code || row[0] === code);
  const UCUM = 'http://unitsofmeasure.org';
  const bloodPressure: Observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: UCUM, code: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueString: 'not a concept' },
    ],
  };

  it('when an Observation has components, then their rows carry the ordinal of their component and no row is doubled', () => {
    expect(rowsOf(bloodPressure, 'idx_token', 'component-code').map((row) => [row[2], row.at(-1)])).toEqual([['8480-6', 0], ['8462-4', 1]]);
    expect(rowsOf(bloodPressure, 'idx_quantity', 'component-value-quantity').map((row) => [row[4], row.at(-1)])).toEqual([['120', 0]]);
    // value.as(CodeableConcept) keeps CodeableConcepts only: a valueString is no concept
    expect(rowsOf(bloodPressure, 'idx_token', 'component-value-concept')).toEqual([]);
    expect(rowsOf(bloodPressure, 'idx_token', 'code')).toEqual([['code', 'http://loinc.org', '85354-9', null, null, null]]);
  });

  it('when a composite component equals no parameter, then it has rows of its own, and only then', () => {
    const withString: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'note' }, valueString: 'Positive' };
    expect(rowsOf(withString, 'idx_string', 'code-value-string$2')).toEqual([['code-value-string$2', 'positive', 'Positive']]);
    expect(rowsOf(bloodPressure, 'idx_string').filter((row) => String(row[0]).includes('$'))).toEqual([]);
  });

  it('when an identifier has type codings, then its row is repeated per coding with the coding', () => {
    const patient: Patient = {
      resourceType: 'Patient',
      identifier: [{ system: 'http://mrn', value: 'A1', type: { coding: [{ system: 'http://v2', code: 'MR' }, { system: 'http://local', code: 'chart' }] } }],
    };
    expect(rowsOf(patient, 'idx_token', 'identifier')).toEqual([
      ['identifier', 'http://mrn', 'A1', null, 'http://v2', 'MR'],
      ['identifier', 'http://mrn', 'A1', null, 'http://local', 'chart'],
    ]);
  });

  it('when a reference is logical, then its identifier is indexed, with or without a literal reference', () => {
    const logical: Observation = { resourceType: 'Observation', status: 'final', code: {}, subject: { identifier: { system: 'http://mrn', value: 'A1' } } };
    expect(rowsOf(logical, 'idx_reference', 'subject')).toEqual([['subject', null, null, null, 'http://mrn', 'A1']]);
    const both = { ...logical, subject: { reference: 'Patient/p1', identifier: { value: 'A1' } } };
    expect(rowsOf(both, 'idx_reference', 'subject')).toEqual([['subject', 'Patient', 'p1', null, null, 'A1']]);
  });

  it('when a quantity is UCUM, then its base-unit form is stored beside it; arbitrary and annotated units have none', () => {
    const quantity = (code: string, value = 13.5): Observation => ({ resourceType: 'Observation', status: 'final', code: {}, valueQuantity: { value, system: UCUM, code } });
    expect(rowsOf(quantity('g/dL'), 'idx_quantity', 'value-quantity')).toEqual([['value-quantity', UCUM, 'g/dL', null, '13.5', '13.5', 'g.m-3', '135000', '135000']]);
    expect(rowsOf(quantity('10*3/uL', 1), 'idx_quantity', 'value-quantity')[0].slice(6)).toEqual(['m-3', '1000000000000', '1000000000000']);
    expect(rowsOf(quantity('Cel', 37), 'idx_quantity', 'value-quantity')[0].slice(6)).toEqual(['K', '310.15', '310.15']);
    for (const code of ['{cells}', '[iU]', 'not-a-unit']) {
      expect(rowsOf(quantity(code), 'idx_quantity', 'value-quantity')[0].slice(6)).toEqual([null, null, null]);
    }
  });
});

