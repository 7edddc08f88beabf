import type { ValueSet } from '@medplum/fhirtypes';
import { createValidator, type ResourceValidator } from '../../../../src/fhir/validation';
import { profileOf } from './profile-fixture';
import { errorsOf, observation } from './validator-fixture';

const VALUE_SET = 'https://example.org/fhir/ValueSet/lab-status';
const OBSERVATION_STATUS = 'http://hl7.org/fhir/ValueSet/observation-status';

const finalOnly: ValueSet = {
  resourceType: 'ValueSet',
  url: VALUE_SET,
  status: 'active',
  compose: { include: [{ system: 'http://hl7.org/fhir/observation-status', concept: [{ code: 'final' }] }] },
};
const finalOnlyProfile = profileOf('Observation', 'final-only', {
  'Observation.status': { binding: { strength: 'required', valueSet: VALUE_SET } },
});

describe('unregistering profiles, value sets and code systems', () => {
  let validator: ResourceValidator;
  beforeAll(() => {
    validator = createValidator();
  });

  it('when a registered profile is unregistered, then claiming it is an unknown-profile error and it is no longer listed', () => {
    validator.register([finalOnly, finalOnlyProfile]);
    const before = validator.version;
    expect(errorsOf(observation({ status: 'preliminary' }), validator, [finalOnlyProfile.url])).toEqual([
      expect.stringContaining('Observation.status'),
    ]);
    expect(validator.profilesFor('Observation').map((p) => p.url)).toContain(finalOnlyProfile.url);

    validator.unregister([finalOnlyProfile.url, VALUE_SET]);
    expect(validator.version).toBeGreaterThan(before);
    expect(validator.knowsProfile(finalOnlyProfile.url)).toBe(false);
    expect(validator.profilesFor('Observation').map((p) => p.url)).not.toContain(finalOnlyProfile.url);
    expect(errorsOf(observation(), validator, [finalOnlyProfile.url]).join()).toMatch(/final-only/);
  });

  it('when base R4 URLs are unregistered, then they are ignored and base validation still binds to them', () => {
    validator.unregister(['http://hl7.org/fhir/StructureDefinition/Observation', OBSERVATION_STATUS]);
    expect(validator.isBaseDefinition(OBSERVATION_STATUS)).toBe(true);
    expect(validator.knowsProfile('http://hl7.org/fhir/StructureDefinition/Observation')).toBe(true);
    expect(errorsOf(observation({ status: 'done' }), validator)).toEqual([expect.stringContaining('Observation.status')]);
    expect(errorsOf(observation(), validator)).toEqual([]);
  });

  it('when a profile cannot be compiled, then checkCompiles throws and nothing is registered', () => {
    const version = validator.version;
    const broken = { ...finalOnlyProfile, url: 'https://example.org/fhir/StructureDefinition/broken', snapshot: undefined };
    expect(() => validator.checkCompiles([broken])).toThrow(/has no snapshot/);
    validator.checkCompiles([finalOnlyProfile]);
    expect(validator.knowsProfile(finalOnlyProfile.url)).toBe(false);
    expect(validator.version).toBe(version);
  });
});
