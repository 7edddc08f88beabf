import type { Patient } from '@medplum/fhirtypes';
import { DEIDENTIFICATION_MASK, registerDeidentificationMask } from '../../../../src/auth/policy';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { MASKED_LABEL } from '../../../../src/fhir/read-masks';
import { SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { control, refusal } from './policy-fixture';

function identified(): Patient {
  return {
    resourceType: 'Patient',
    id: 'p1',
    meta: { versionId: '3' },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Peter Chalmers</div>' },
    identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345' }],
    name: [{ family: 'Chalmers', given: ['Peter'] }],
    telecom: [{ system: 'phone', value: '(03) 5555 6473' }],
    address: [{ city: 'PleasantVille', postalCode: '3999' }],
    photo: [{ url: 'http://example.org/peter.png' }],
    contact: [{ name: { family: 'du Marché' } }],
    gender: 'male',
    birthDate: '1974-12-25',
    _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] },
    deceasedDateTime: '2020-05-06',
    extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Smith' },
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-genderIdentity', valueCodeableConcept: { text: 'male' } },
    ],
    managingOrganization: { reference: 'Organization/1' },
  } as Patient;
}

describe('registry de-identification (interim, until issue 10)', () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  registerDeidentificationMask(registries);

  it('when the mask is registered, then it is among the read masks by its name', () => {
    expect(registries.readMasks.names()).toEqual([DEIDENTIFICATION_MASK]);
  });

  it('when a registry reads a Patient, then direct identifiers are gone, dates keep only their year, and it is labelled MASKED', () => {
    const input = Object.freeze(identified());
    const seen = control('registry', 'system/*.rs', { registries }).filterRead(input) as Patient & Record<string, unknown>;
    for (const element of ['name', 'telecom', 'address', 'identifier', 'photo', 'contact', 'text', '_birthDate']) {
      expect(seen).not.toHaveProperty(element);
    }
    expect(seen.birthDate).toBe('1974');
    expect(seen.deceasedDateTime).toBe('2020');
    expect(seen.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/patient-genderIdentity', valueCodeableConcept: { text: 'male' } }]);
    expect(seen.gender).toBe('male');
    expect(seen.managingOrganization).toEqual({ reference: 'Organization/1' });
    expect(seen.meta).toEqual({ versionId: '3', security: [MASKED_LABEL] });
    expect(input).toEqual(identified());
  });

  it('when an investigator reads the same Patient, then nothing is removed', () => {
    const input = identified();
    expect(control('investigator', 'system/*.rs', { registries }).filterRead(input)).toBe(input);
  });

  it('when a registry reads a Patient with nothing identifying, then it comes back as it is, unlabelled', () => {
    const bare: Patient = { resourceType: 'Patient', id: 'p2', gender: 'female', birthDate: '1980' };
    expect(control('registry', 'system/*.rs', { registries }).filterRead(bare)).toBe(bare);
  });

  it('when a registry reads another type, then the mask leaves it alone', () => {
    const organization = { resourceType: 'Organization' as const, id: 'o1', name: 'Hospital' };
    expect(control('registry', 'system/*.rs', { registries }).filterRead(organization)).toBe(organization);
  });

  describe('searching by what the mask hides', () => {
    const registry = () => control('registry', 'system/*.rs', { registries });
    const query = (type: string, params: [string, string][]) => parseSearch(type, params, registries, true).query;

    it('when a registry searches Patients by name, identifier or exact birth date, then it is refused', () => {
      for (const [code, value] of [['name', 'Chalmers'], ['identifier', '12345'], ['birthdate', 'ge1974-12-25'], ['address-city', 'PleasantVille']]) {
        expect(refusal(() => registry().constrainSearch(query('Patient', [[code, value]])))).toBe(
          `Role registry may not search Patient by ${code}: its values are masked (${DEIDENTIFICATION_MASK})`,
        );
      }
    });

    it('when a registry reaches Patient names through a chain or sorts by birth date, then it is refused', () => {
      expect(refusal(() => registry().constrainSearch(query('Observation', [['subject:Patient.family', 'Chalmers']])))).toMatch(/Patient by family/);
      expect(refusal(() => registry().constrainSearch(query('Patient', [['_sort', 'birthdate']])))).toMatch(/Patient by birthdate/);
    });

    it('when a registry searches by what it may see, or an investigator by name, then the search passes', () => {
      const byGender = query('Patient', [['gender', 'male']]);
      expect(registry().constrainSearch(byGender)).toBe(byGender);
      const byName = query('Patient', [['name', 'Chalmers']]);
      expect(control('investigator', 'system/*.rs', { registries }).constrainSearch(byName)).toBe(byName);
    });
  });
});
