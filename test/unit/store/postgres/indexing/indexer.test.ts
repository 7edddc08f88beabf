import type { Observation, Patient } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../../../../../src/fhir/conformance/r4-definitions';
import { createRegistries } from '../../../../../src/fhir/conformance/registries';
import { branchesFor, Indexer } from '../../../../../src/store/postgres/indexing/indexer';
import { SEARCHABLE_TYPES } from '../../../../../src/store/postgres';

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
  const indexer = new Indexer(registries.searchParameters.indexed(), { baseUrl: 'http://example.org/fhir', storedCodes: (_type, code) => [code] });
  const rowsOf = (resource: Patient | Observation, table: string) =>
    [...indexer.rowsFor(resource).entries()].find(([index]) => index.table === table)?.[1] ?? [];

  it('when a Patient is indexed, then identifiers become tokens and names accent-free strings', () => {
    const patient: Patient = {
      resourceType: 'Patient',
      identifier: [{ system: 'http://mrn', value: 'A1' }],
      name: [{ family: 'Lévesque', given: ['Zoé'] }],
      gender: 'female',
    };
    expect(rowsOf(patient, 'idx_token')).toEqual(expect.arrayContaining([['identifier', 'http://mrn', 'A1', null], ['gender', null, 'female', null]]));
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
    expect(rowsOf(observation, 'idx_reference')).toEqual(expect.arrayContaining([['subject', 'Patient', 'p1', null], ['patient', 'Patient', 'p1', null]]));
    const groupSubject = { ...observation, subject: { reference: 'Group/g1' } };
    expect(rowsOf(groupSubject, 'idx_reference').filter(([code]) => code === 'patient')).toEqual([]);
    expect(rowsOf(observation, 'idx_date')).toContainEqual(['date', '2024-01-01T00:00:00.000Z', '2024-01-02T10:00:01.000Z']);
    expect(rowsOf(observation, 'idx_token')).toEqual(expect.arrayContaining([['code', 'http://loinc.org', '718-7', null], ['code', null, null, 'Hemoglobin']]));
  });
});
