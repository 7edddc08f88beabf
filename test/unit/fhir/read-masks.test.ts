import type { Patient, Resource } from '@medplum/fhirtypes';
import type { Requester } from '../../../src/fhir/access';
import { MASKED_LABEL, ReadMaskRegistry, labelMasked, type ReadMask } from '../../../src/fhir/read-masks';

const investigator: Requester = { clientId: 'site-1', role: 'investigator', scope: 'system/*.rs' };
const unblinded: Requester = { clientId: 'pharmacy', role: 'unblinded', scope: 'system/*.rs' };

/** A toy rule: investigators do not see birth dates. */
const hideBirthDate: ReadMask = {
  name: 'hide-birth-date',
  apply(resource: Resource, requester: Requester) {
    if (requester.role !== 'investigator' || resource.resourceType !== 'Patient' || !resource.birthDate) return undefined;
    const { birthDate: _hidden, ...rest } = resource;
    return rest;
  },
};

/** Another toy rule, to see that two masks still give one label. */
const hideGender: ReadMask = {
  name: 'hide-gender',
  apply(resource: Resource, requester: Requester) {
    if (requester.role !== 'investigator' || resource.resourceType !== 'Patient' || !resource.gender) return undefined;
    const { gender: _hidden, ...rest } = resource;
    return rest;
  },
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const patient = (): Patient => ({ resourceType: 'Patient', id: 'p1', birthDate: '1970-03-04', gender: 'female', meta: { versionId: '1' } });

describe('ReadMaskRegistry', () => {
  it('when a mask hides an element, then the copy lacks it, is labelled MASKED once, and the input is untouched', () => {
    const registry = new ReadMaskRegistry();
    registry.register(hideBirthDate);
    const input = deepFreeze(patient());
    const seen = registry.apply(input, investigator) as Patient;
    expect(seen.birthDate).toBeUndefined();
    expect(seen.gender).toBe('female');
    expect(seen.meta).toEqual({ versionId: '1', security: [MASKED_LABEL] });
    expect(input).toEqual(patient());
  });

  it('when no mask applies, then the very same object comes back, unlabelled', () => {
    const registry = new ReadMaskRegistry();
    registry.register(hideBirthDate);
    const input = patient();
    expect(registry.apply(input, unblinded)).toBe(input);
    expect(new ReadMaskRegistry().apply(input, investigator)).toBe(input);
  });

  it('when two masks both mask, then both apply and the label appears once', () => {
    const registry = new ReadMaskRegistry();
    registry.register(hideBirthDate);
    registry.register(hideGender);
    const seen = registry.apply(deepFreeze(patient()), investigator) as Patient;
    expect(seen.birthDate).toBeUndefined();
    expect(seen.gender).toBeUndefined();
    expect(seen.meta?.security).toEqual([MASKED_LABEL]);
  });

  it('when the resource already carries MASKED, then it is not added again, and other labels stay', () => {
    const registry = new ReadMaskRegistry();
    registry.register(hideBirthDate);
    const other = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
    const input = deepFreeze({ ...patient(), meta: { security: [other, { ...MASKED_LABEL }] } });
    expect((registry.apply(input, investigator) as Patient).meta?.security).toEqual([other, MASKED_LABEL]);
    const labelled = labelMasked(deepFreeze({ ...patient(), meta: { security: [other] } }));
    expect(labelled.meta?.security).toEqual([other, MASKED_LABEL]);
  });

  it('when a mask name is registered twice, then the second registration is refused', () => {
    const registry = new ReadMaskRegistry();
    registry.register(hideBirthDate);
    expect(() => registry.register({ ...hideGender, name: 'hide-birth-date' })).toThrow(/hide-birth-date/);
    expect(registry.names()).toEqual(['hide-birth-date']);
  });

  it('when a mask hides a search parameter from a requester, then the registry names the mask; else none', () => {
    const registry = new ReadMaskRegistry();
    registry.register(hideGender);
    registry.register({ ...hideBirthDate, hidesParameter: (type, code, requester) => type === 'Patient' && code === 'birthdate' && requester.role === 'investigator' });
    expect(registry.hidingParameter('Patient', 'birthdate', investigator)).toBe('hide-birth-date');
    expect(registry.hidingParameter('Patient', 'birthdate', unblinded)).toBeUndefined();
    expect(registry.hidingParameter('Patient', 'gender', investigator)).toBeUndefined();
  });
});
