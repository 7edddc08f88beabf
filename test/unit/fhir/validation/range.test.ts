import { createValidator } from '../../../../src/fhir/validation';
import { profileOf } from './profile-fixture';
import { errorsOf, observation } from './validator-fixture';

const ranged = profileOf('Observation', 'ranged', {
  'Observation.value[x]': {
    type: [{ code: 'Quantity' }],
    minValueQuantity: { value: 0, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    maxValueQuantity: { value: 300, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  },
});
const recentBirth = profileOf('Patient', 'recent-birth', { 'Patient.birthDate': { minValueDate: '1900-01-01' } });

describe('minValue and maxValue', () => {
  const v = createValidator();
  v.register([ranged, recentBirth]);
  const weight = (value: number, code: string) => observation({ valueQuantity: { value, unit: code, system: 'http://unitsofmeasure.org', code } });

  it('accepts a Quantity inside the range after UCUM conversion', () => {
    expect(errorsOf(weight(72000, 'g'), v, [ranged.url])).toEqual([]);
  });

  it('refuses a Quantity below the minimum after UCUM conversion', () => {
    expect(errorsOf(weight(-1, 'g'), v, [ranged.url])).toEqual([
      'Observation.value.ofType(Quantity): The value in the instance (-1 g) is less than the specified minValue (0 kg)',
    ]);
  });

  it('refuses a Quantity above the maximum', () => {
    expect(errorsOf(weight(301, 'kg'), v, [ranged.url])).toEqual([
      'Observation.value.ofType(Quantity): The value in the instance (301 kg) is greater than the specified maxValue (300 kg)',
    ]);
  });

  it('refuses a date before the minimum', () => {
    expect(errorsOf({ resourceType: 'Patient', birthDate: '1850-01-01' }, v, [recentBirth.url])).toEqual([
      'Patient.birthDate: The value in the instance (1850-01-01) is less than the specified minValue (1900-01-01)',
    ]);
  });
});
