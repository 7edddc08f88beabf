import type { Group, Observation } from '@medplum/fhirtypes';
import type { ExportRequest } from '../../../src/bulk/export-request';
import { typeScope } from '../../../src/bulk/export-scope';
import { createRegistries } from '../../../src/fhir/conformance/registries';
import { PatientCompartment } from '../../../src/fhir/patient-compartment';
import { SEARCHABLE_TYPES } from '../../../src/store/postgres';

const registries = createRegistries(SEARCHABLE_TYPES);
const compartment = new PatientCompartment(registries.searchParameters);
const patients = Array.from({ length: 250 }, (_, i) => `p${i}`);
const request = (typeFilters: Record<string, string[]> = {}): ExportRequest =>
  ({ level: 'group', types: [], typeFilters, requester: { clientId: 'c', role: 'admin', scope: 'system/*.rs' }, patients, requestUrl: '' });
const observation = (patient: string, code: string): Observation =>
  ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: `Patient/${patient}` } });

describe('the passes of a Group export', () => {
  it('when the patients are more than one chunk, then each chunk is a pass and a resource is written by the first pass that covers it only', () => {
    const scope = typeScope(request(), 'Group', registries, compartment);
    expect(scope.passes).toHaveLength(3);
    const both: Group = { resourceType: 'Group', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/p240' } }, { entity: { reference: 'Patient/p120' } }] };
    expect(scope.covers(both)).toBe(true);
    expect(scope.matchedBefore(2, both)).toBe(true);
    expect(scope.matchedBefore(1, both)).toBe(false);
  });

  it('when a resource names no patient of the export, then no pass covers it', () => {
    const scope = typeScope(request(), 'Observation', registries, compartment);
    expect(scope.covers(observation('someone-else', '718-7'))).toBe(false);
    expect(scope.covers(observation('p7', '718-7'))).toBe(true);
  });

  it('when a type has two _typeFilter queries, then a resource both match is written by the first query pass of its chunk', () => {
    const scope = typeScope(request({ Observation: ['code=718-7', 'subject=Patient/p201'] }), 'Observation', registries, compartment);
    expect(scope.passes).toHaveLength(6);
    const matchingBoth = observation('p201', '718-7');
    expect(scope.matchedBefore(4, matchingBoth)).toBe(false); // chunk 2, first query
    expect(scope.matchedBefore(5, matchingBoth)).toBe(true); // chunk 2, second query: written already
    const secondOnly = observation('p201', '2345-7');
    expect(scope.matchedBefore(5, secondOnly)).toBe(false);
    expect(scope.covers(observation('p1', '2345-7'))).toBe(false);
  });

  it('when the type is outside the patient compartment, then it has no pass (only the group related resources)', () => {
    expect(typeScope(request(), 'ResearchStudy', registries, compartment).passes).toHaveLength(0);
  });
});
