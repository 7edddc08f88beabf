import { errorsOf, issuesOf, observation, without } from './validator-fixture';

describe('required bindings', () => {
  it('refuses an Observation with status "bogus"', () => {
    expect(errorsOf(observation({ status: 'bogus' }))).toEqual([
      "Observation.status: The value provided ('bogus') is not in the value set 'http://hl7.org/fhir/ValueSet/observation-status', and a code is required from this value set",
    ]);
  });

  it('does not enforce an extensible binding (HL7 validator: a warning at most)', () => {
    const patient = { resourceType: 'Patient', maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'ZZ' }] } };
    expect(errorsOf(patient)).toEqual([]);
  });

  it('refuses a CodeableConcept none of whose codings is in a required value set', () => {
    const allergy = (code: string) => ({
      resourceType: 'AllergyIntolerance',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">a</div>' },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }] },
      patient: { reference: 'Patient/1' },
    });
    expect(errorsOf(allergy('active'))).toEqual([]);
    expect(errorsOf(allergy('bogus'))).toEqual([
      "AllergyIntolerance.clinicalStatus: The value provided ('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical#bogus') is not in the value set 'http://hl7.org/fhir/ValueSet/allergyintolerance-clinical', and a code is required from this value set",
    ]);
  });

  it('checks a code inside a data type against its required binding', () => {
    expect(errorsOf(observation({ valueQuantity: { value: 1, comparator: '~' } }))).toEqual([
      "Observation.value.ofType(Quantity).comparator: The value provided ('~') is not in the value set 'http://hl7.org/fhir/ValueSet/quantity-comparator', and a code is required from this value set",
    ]);
  });
});

describe('invariants', () => {
  it('evaluates a base R4 invariant where its element is present (obs-6)', () => {
    expect(errorsOf(observation({ dataAbsentReason: { text: 'x' } }))).toEqual([
      "Observation: Constraint failed: obs-6: 'dataAbsentReason SHALL only be present if Observation.value[x] is not present'",
    ]);
  });

  it('evaluates a data type invariant on each element of that type (qty-3)', () => {
    expect(errorsOf(observation({ valueQuantity: { value: 1, code: 'kg' } }))).toEqual([
      "Observation.value.ofType(Quantity): Constraint failed: qty-3: 'If a code for the unit is present, the system SHALL also be present'",
    ]);
  });

  it('refuses an extension with both a value and nested extensions (ext-1)', () => {
    const extension = { url: 'http://example.org/x', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] };
    const errors = errorsOf(observation({ extension: [extension] }));
    expect(errors).toContain("Observation.extension[0]: Constraint failed: ext-1: 'Must have either extensions or value[x], not both'");
  });

  it('refuses a contained resource nothing refers to (dom-3)', () => {
    const errors = errorsOf(observation({ contained: [{ resourceType: 'Patient', id: 'p' }] }));
    expect(errors).toEqual([
      "Observation: Constraint failed: dom-3: 'If the resource is contained in another resource, it SHALL be referred to from elsewhere in the resource or SHALL refer to the containing resource'",
    ]);
  });

  it('refuses nested contained resources (dom-2)', () => {
    const inner = { resourceType: 'Patient', id: 'q' };
    const errors = errorsOf(observation({ contained: [{ resourceType: 'Patient', id: 'p', contained: [inner] }], subject: { reference: '#p' } }));
    expect(errors).toContain("Observation: Constraint failed: dom-2: 'If the resource is contained in another resource, it SHALL NOT contain nested Resources'");
  });

  it('reports a warning-severity invariant as a warning (dom-6: no narrative)', () => {
    const issues = issuesOf(without(observation(), 'text'));
    expect(issues.map((i) => [i.severity, i.code, i.expression[0]])).toEqual([['warning', 'invariant', 'Observation']]);
  });

  it('refuses a narrative without content (txt-2)', () => {
    const errors = errorsOf(observation({ text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"> </div>' } }));
    expect(errors).toEqual(["Observation.text.div: Constraint failed: txt-2: 'The narrative SHALL have some non-whitespace content'"]);
  });

  it('refuses active content in a narrative (txt-1)', () => {
    const div = '<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script>Hi</div>';
    expect(errorsOf(observation({ text: { status: 'generated', div } }))[0]).toMatch(/^Observation\.text\.div: Constraint failed: txt-1/);
  });

  it('evaluates an invariant outside the fast subset with the general FHIRPath engine (ras-2)', () => {
    const risk = { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/1' }, prediction: [{ probabilityDecimal: 101 }] };
    expect(errorsOf(risk)).toEqual(["RiskAssessment.prediction[0]: Constraint failed: ras-2: 'Must be <= 100'"]);
  });
});

describe('references', () => {
  it('refuses a reference to a type the element does not allow', () => {
    expect(errorsOf(observation({ subject: { reference: 'Medication/m1' } }))).toEqual([
      "Observation.subject: The type 'Medication' implied by the reference URL Medication/m1 is not a valid Target for this element (must be one of [Patient, Group, Device, Location])",
    ]);
  });

  it('refuses a local reference to a contained resource that does not exist', () => {
    const errors = errorsOf(observation({ subject: { reference: '#nobody' } }));
    expect(errors).toContain("Observation.subject: Unable to resolve resource with reference '#nobody'");
  });

  it('refuses an Attachment whose stated size is not its data size', () => {
    const media = { resourceType: 'Media', status: 'completed', content: { contentType: 'text/plain', data: 'aGVsbG8=', size: 100 } };
    expect(errorsOf(media)).toEqual(['Media.content: Stated Attachment Size 100 does not match actual attachment size 5']);
  });
});

describe('extensions', () => {
  it('checks a known extension against its definition', () => {
    const patient = { resourceType: 'Patient', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueString: 'Lyon' }] };
    expect(errorsOf(patient)).toEqual([
      'Patient.extension[0]: The type of element valueString is not known - it could not be determined from the information available. Valid types at this point are Address',
    ]);
  });

  it('refuses an extension whose definition is unknown, as the Java validator does', () => {
    const patient = { resourceType: 'Patient', extension: [{ url: 'http://unknown.example.net/ext', valueString: 'a' }] };
    expect(errorsOf(patient)).toEqual(['Patient.extension[0]: The extension http://unknown.example.net/ext could not be found so is not allowed here']);
  });
});
