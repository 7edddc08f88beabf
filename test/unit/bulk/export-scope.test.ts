import type { Group, Observation } from '@medplum/fhirtypes';
import type { ExportRequest } from '../../../src/bulk/export-request';
import { PATIENTS_PER_CHUNK, typeScope } from '../../../src/bulk/export-scope';
import { createRegistries } from '../../../src/fhir/conformance/registries';
import { PatientCompartment } from '../../../src/fhir/patient-compartment';
import { SEARCHABLE_TYPES } from '../../../src/store/postgres';

const registries = createRegistries(SEARCHABLE_TYPES);
const compartment = new PatientCompartment(registries.searchParameters);
const N = PATIENTS_PER_CHUNK;
/** Three chunks of patients: p0… in the first, p(N)… in the second, p(2N)… in the third. */
const patients = Array.from({ length: 2 * N + N / 5 }, (_, i) => `p${i}`);
const inChunk = (chunk: number) => `p${chunk * N + 1}`;
const request = (typeFilters: Record<string, string[]> = {}): ExportRequest =>
  ({ level: 'group', types: [], typeFilters, requester: { clientId: 'c', role: 'admin', scope: 'system/*.rs' }, patients, requestUrl: '' });
const observation = (patient: string, code: string): Observation =>
  ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: `Patient/${patient}` } });

describe('the passes of a Group export', () => {
  it('when the patients are more than one chunk, then each chunk is a pass and a resource is written by the first pass that covers it only', () => {
    const scope = typeScope(request(), 'Group', registries, compartment);
    expect(scope.passes).toHaveLength(3);
    const both: Group = { resourceType: 'Group', type: 'person', actual: true, member: [{ entity: { reference: `Patient/${inChunk(2)}` } }, { entity: { reference: `Patient/${inChunk(1)}` } }] };
    expect(scope.covers(both)).toBe(true);
    expect(scope.matchedBefore(2, both)).toBe(true);
    expect(scope.matchedBefore(1, both)).toBe(false);
  });

  it('when a resource names no patient of the export, then no pass covers it', () => {
    const scope = typeScope(request(), 'Observation', registries, compartment);
    expect(scope.covers(observation('someone-else', '718-7'))).toBe(false);
    expect(scope.covers(observation(inChunk(0), '718-7'))).toBe(true);
  });

  it('when a type has two _typeFilter queries, then a resource both match is written by the first query pass of its chunk', () => {
    const scope = typeScope(request({ Observation: ['code=718-7', `subject=Patient/${inChunk(2)}`] }), 'Observation', registries, compartment);
    expect(scope.passes).toHaveLength(6);
    const matchingBoth = observation(inChunk(2), '718-7');
    expect(scope.matchedBefore(4, matchingBoth)).toBe(false); // chunk 2, first query
    expect(scope.matchedBefore(5, matchingBoth)).toBe(true); // chunk 2, second query: written already
    const secondOnly = observation(inChunk(2), '2345-7');
    expect(scope.matchedBefore(5, secondOnly)).toBe(false);
    expect(scope.covers(observation(inChunk(0), '2345-7'))).toBe(false);
  });

  it('when the type is outside the patient compartment, then it has no pass (only the group related resources)', () => {
    expect(typeScope(request(), 'ResearchStudy', registries, compartment).passes).toHaveLength(0);
  });
});

describe('the patients a resource names, as the Patient compartment defines them', () => {
  it('when a resource names patients through its compartment parameters, then every Patient it names there is found, and nothing else', () => {
    // AdverseEvent is in a patient's compartment through subject only, not through recorder.
    const event = { resourceType: 'AdverseEvent', actuality: 'actual', subject: { reference: 'Patient/a/_history/2' }, recorder: { reference: 'Patient/b' } };
    expect(compartment.patientsOf(event as unknown as Observation)).toEqual(['a']);
    const obs = { ...observation('c', '718-7'), performer: [{ reference: 'Practitioner/x' }, { reference: 'http://localhost/fhir/Patient/d' }] };
    expect(compartment.patientsOf(obs).sort()).toEqual(['c', 'd']);
    expect(compartment.patientsOf({ resourceType: 'ResearchStudy', status: 'active' } as unknown as Observation)).toEqual([]);
  });
});

describe('the patients of a resource named by a parameter several types share', () => {
  it('when the parameter lists thirty types (patient), then the part about this type is read', () => {
    const given = { resourceType: 'MedicationAdministration', status: 'completed', subject: { reference: 'Patient/e' }, medicationCodeableConcept: { text: 'x' }, effectiveDateTime: '2024-01-01' };
    expect(compartment.patientsOf(given as unknown as Observation)).toEqual(['e', 'e']);
    const consent = { resourceType: 'Consent', status: 'active', patient: { reference: 'Patient/f' } };
    expect(compartment.patientsOf(consent as unknown as Observation)).toEqual(['f']);
  });
});
