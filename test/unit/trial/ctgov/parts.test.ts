import type { Location } from '@medplum/fhirtypes';
import { enrollmentGroup } from '../../../../src/trial/ctgov/eligibility';
import { mapLocations } from '../../../../src/trial/ctgov/locations';
import { mapArms } from '../../../../src/trial/ctgov/arms';
import type { Node } from '../../../../src/trial/ctgov/record-reader';

const node = (path: string, value: Record<string, unknown>): Node => ({ path, value });

describe('enrollment Group', () => {
  test('when the record admits women from 6 months to 17 years, then the Group says so', () => {
    const group = enrollmentGroup('NCT00000001', undefined, node('e', { sex: 'FEMALE', minimumAge: '6 Months', maximumAge: '17 Years' }));
    expect(group.characteristic).toEqual([
      expect.objectContaining({ valueRange: { low: expect.objectContaining({ value: 6, code: 'mo' }), high: expect.objectContaining({ value: 17, code: 'a' }) } }),
      expect.objectContaining({ valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }] } }),
    ]);
    expect(group.quantity).toBeUndefined();
  });

  test('when the criteria hold markup, then the narrative escapes it', () => {
    const group = enrollmentGroup('NCT00000001', undefined, node('e', { eligibilityCriteria: 'Age \\< 18 & <script>' }));
    expect(group.text?.div).toContain('Age &lt; 18 &amp; &lt;script&gt;');
    expect(group.characteristic).toBeUndefined();
  });
});

describe('site Locations', () => {
  test('when two sites share a facility name in two cities, then they stay two Locations', () => {
    const sites = mapLocations('NCT00000001', node('c', {
      locations: [{ facility: 'University Hospital', city: 'Lyon', country: 'France' }, { facility: 'University Hospital', city: 'Lille', country: 'France' }],
    }));
    expect(new Set(sites.map((s) => s.key.value)).size).toBe(2);
    expect((sites[1].resource as Location).address).toEqual({ city: 'Lille', country: 'France' });
  });
});

describe('arms', () => {
  test('when an arm has no description, then its interventions describe it', () => {
    const arms = mapArms(node('a', {
      armGroups: [{ label: 'Cells', type: 'EXPERIMENTAL' }],
      interventions: [{ type: 'BIOLOGICAL', name: 'MSC', description: 'MSC at 2 x10^6 cells/kg', armGroupLabels: ['Cells'] }],
    }));
    expect(arms).toEqual([expect.objectContaining({ name: 'Cells', description: 'BIOLOGICAL: MSC: MSC at 2 x10^6 cells/kg' })]);
    expect(arms[0].extension?.[0].valueQuantity?.value).toBe(2e6);
  });

  test('when a placebo arm mentions the cell dose, then it still carries no dose', () => {
    const arms = mapArms(node('a', { armGroups: [{ label: 'Placebo', type: 'PLACEBO_COMPARATOR', description: 'vehicle instead of 1 x10^6 cells/kg' }] }));
    expect(arms[0].extension).toBeUndefined();
  });
});
