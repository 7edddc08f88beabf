import { baseValidator, errorsOf, issuesOf, observation, without } from './validator-fixture';

describe('base R4 structure', () => {
  it('accepts a valid Observation with no issue above information', () => {
    const issues = issuesOf(observation());
    expect(issues.filter((i) => i.severity !== 'information')).toEqual([]);
  });

  it('refuses a property R4 does not define, at its parent', () => {
    expect(errorsOf(observation({ foo: 1 }))).toEqual(["Observation: Unrecognized property 'foo'"]);
  });

  it('refuses a body without resourceType as fatal', () => {
    const issues = issuesOf({ status: 'final' });
    expect(issues).toHaveLength(1);
    expect(issues[0].severity).toBe('fatal');
  });

  it('refuses an unknown resource type', () => {
    expect(errorsOf({ resourceType: 'Observatoin' })).toEqual(["Observatoin: Unknown resource type 'Observatoin'"]);
  });

  it('refuses a single value where R4 has a list', () => {
    expect(errorsOf(observation({ category: { text: 'x' } }))[0]).toMatch(/^Observation\.category: This property must be an Array/);
  });

  it('refuses a list where R4 has a single value', () => {
    expect(errorsOf(observation({ status: ['final'] }))).toEqual(['Observation.status: This property must be a single value, not an array']);
  });

  it('refuses an empty array', () => {
    expect(errorsOf(observation({ category: [] }))).toEqual([
      'Observation.category: Array cannot be empty - the property should not be present if it has no values',
    ]);
  });

  it('refuses null', () => {
    expect(errorsOf(observation({ issued: null }))).toEqual(['Observation.issued: This property must not be null; leave it out instead']);
  });

  it('refuses an empty object (ele-1)', () => {
    expect(errorsOf(observation({ method: {} }))).toEqual([
      "Observation.method: Constraint failed: ele-1: 'All FHIR elements must have a @value or children'",
    ]);
  });

  it('refuses an empty string', () => {
    expect(errorsOf(observation({ issued: '' }))).toEqual(['Observation.issued: @value cannot be empty']);
  });

  it('refuses a missing required element, at its parent, naming the definition', () => {
    expect(errorsOf(without(observation(), 'code'))).toEqual([
      'Observation: Observation.code: minimum required = 1, but only found 0 (from http://hl7.org/fhir/StructureDefinition/Observation|4.0.1)',
    ]);
  });

  it('refuses a second value where the maximum is one', () => {
    const patient = { resourceType: 'Patient', maritalStatus: { text: 'x' }, multipleBirthBoolean: true, multipleBirthInteger: 2 };
    expect(errorsOf(patient)).toEqual([
      'Patient: Patient.multipleBirth[x]: max allowed = 1, but found 2 (from http://hl7.org/fhir/StructureDefinition/Patient|4.0.1)',
    ]);
  });

  it('locates list items by index and choice types with ofType, as the Java validator does', () => {
    const errors = errorsOf(observation({ component: [{ code: { text: 'a' }, valueQuantity: { value: 'x' } }] }));
    expect(errors).toEqual([
      'Observation.component[0].value.ofType(Quantity).value: Error parsing JSON: the primitive value must be a number, not a string',
    ]);
  });

  it('refuses a choice type the element does not allow', () => {
    expect(errorsOf({ ...without(observation(), 'valueQuantity'), valueReference: { reference: 'Patient/1' } })).toEqual([
      "Observation: Unrecognized property 'valueReference'",
    ]);
  });

  it('checks the id and extensions of a primitive in its _element', () => {
    const patient = { resourceType: 'Patient', birthDate: '1970-01-01', _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: 'yesterday' }] } };
    expect(errorsOf(patient)).toEqual([
      "Patient.birthDate.extension[0].value.ofType(dateTime): Not a valid dateTime format: 'yesterday'",
    ]);
  });

  it('refuses a value inside a primitive _element', () => {
    expect(errorsOf({ ...without(observation(), 'valueQuantity'), valueInteger: 1, _valueInteger: { value: 0 } })).toEqual([
      "Observation.value.ofType(integer): The property 'value' is invalid",
    ]);
  });

  it('refuses an invalid resource id as the Java validator words it', () => {
    expect(errorsOf(observation({ id: 'bad_id' }))).toEqual(["Observation.id: Invalid Resource id: Invalid Characters ('bad_id')"]);
    expect(errorsOf(observation({ id: 'x'.repeat(65) }))).toEqual(['Observation.id: Invalid Resource id: Too long (65 chars)']);
  });

  it('validates a contained resource as the resource it is', () => {
    const errors = errorsOf(
      observation({ contained: [{ resourceType: 'Patient', id: 'p', gender: 'bogus' }], subject: { reference: '#p' } }),
    );
    expect(errors).toEqual([
      "Observation.contained[0]/*Patient/p*/.gender: The value provided ('bogus') is not in the value set 'http://hl7.org/fhir/ValueSet/administrative-gender', and a code is required from this value set",
    ]);
  });

  it('validates a Parameters resource parameter as the resource it is', () => {
    const parameters = { resourceType: 'Parameters', parameter: [{ name: 'r', resource: { resourceType: 'Patient', foo: 1 } }] };
    expect(errorsOf(parameters)).toEqual(["Parameters.parameter[0].resource: Unrecognized property 'foo'"]);
  });

  it('is the same validator across calls (no state kept from one resource to the next)', () => {
    const validator = baseValidator();
    expect(errorsOf(observation({ foo: 1 }), validator)).toHaveLength(1);
    expect(errorsOf(observation(), validator)).toEqual([]);
  });
});
