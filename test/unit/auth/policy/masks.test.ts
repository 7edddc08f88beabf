import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { Requester } from '../../../../src/fhir/access';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { MASKED_LABEL } from '../../../../src/fhir/read-masks';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import { control } from './policy-fixture';

describe('filterRead and the read masks', () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  // The toy rule of the issue: investigators do not see when a patient was born.
  registries.readMasks.register({
    name: 'toy-hide-birth-date',
    apply(resource: Resource, requester: Requester) {
      if (requester.role !== 'investigator' || resource.resourceType !== 'Patient' || resource.birthDate === undefined) return undefined;
      const { birthDate: _hidden, ...rest } = resource;
      return rest;
    },
  });
  const patient: Patient = Object.freeze({ resourceType: 'Patient', id: 'p1', birthDate: '1970-03-04', gender: 'female' });

  it('when an investigator reads a Patient, then the toy rule hides birthDate and labels it MASKED once', () => {
    const seen = control('investigator', 'system/*.rs', { registries }).filterRead(patient) as Patient;
    expect(seen).not.toHaveProperty('birthDate');
    expect(seen.meta?.security).toEqual([MASKED_LABEL]);
    expect(patient).toEqual({ resourceType: 'Patient', id: 'p1', birthDate: '1970-03-04', gender: 'female' });
  });

  it('when an unblinded reader reads the same Patient, then it sees it whole and unlabelled', () => {
    expect(control('unblinded', 'system/*.rs', { registries }).filterRead(patient)).toBe(patient);
  });

  it('when a resource of a type the requester may not read comes out of the store (an _include), then it is left out', () => {
    const audit = { resourceType: 'AuditEvent', id: 'a1' } as Resource;
    expect(control('investigator', 'system/*.rs', { registries }).filterRead(audit)).toBeUndefined();
    expect(control('admin', 'system/*.rs', { registries }).filterRead(audit)).toBe(audit);
    const observation: Observation = { resourceType: 'Observation', status: 'final', code: {} };
    expect(control('investigator', 'system/Patient.rs', { registries }).filterRead(observation)).toBeUndefined();
  });
});
