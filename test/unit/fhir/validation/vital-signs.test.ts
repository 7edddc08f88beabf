import { errorsOf, issuesOf, observation } from './validator-fixture';

const bodyWeight = (overrides: Record<string, unknown> = {}) =>
  observation({
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
    valueQuantity: { value: 72.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    ...overrides,
  });

describe('vital signs (R4 observation.html#vitals)', () => {
  it('checks a body weight against the core bodyweight profile and says so', () => {
    const issues = issuesOf(bodyWeight());
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(issues.map((i) => i.diagnostics)).toContain(
      'Validate Observation against the Body weight profile (http://hl7.org/fhir/StructureDefinition/bodyweight) which is required by the FHIR specification because the LOINC code 29463-7 was found',
    );
  });

  it('refuses a body weight without the vital-signs category', () => {
    const { category: _category, ...uncategorised } = bodyWeight() as unknown as Record<string, unknown>;
    expect(errorsOf(uncategorised)).toEqual([
      "Observation: Slice 'Observation.category:VSCat': a matching slice is required, but not found (from http://hl7.org/fhir/StructureDefinition/bodyweight|4.0.1). Note that other slices are allowed in addition to this required slice",
      'Observation: Observation.category: minimum required = 1, but only found 0 (from http://hl7.org/fhir/StructureDefinition/bodyweight|4.0.1)',
    ]);
  });

  it('leaves an entered-in-error Observation to base R4', () => {
    const { category: _category, ...uncategorised } = bodyWeight({ status: 'entered-in-error' }) as unknown as Record<string, unknown>;
    expect(errorsOf(uncategorised)).toEqual([]);
  });
});
