import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../../../src/config';
import { readProfileStructureDefinitions } from '../../../../src/fhir/conformance/profile-files';
import {
  InvalidDifferentialError,
  SnapshotGenerator,
  UnknownBaseDefinitionError,
  withElementIds,
} from '../../../../src/fhir/conformance/snapshot';

const EXAMPLE = 'https://example.org/fhir/StructureDefinition/';
const DOSE_PER_KG = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';

function profile(id: string, baseDefinition: string, type: string, element: ElementDefinition[]): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    id,
    url: `${EXAMPLE}${id}`,
    name: id.replace(/-/g, ''),
    status: 'active',
    kind: type === 'Extension' ? 'complex-type' : 'resource',
    abstract: false,
    type,
    baseDefinition,
    derivation: 'constraint',
    differential: { element },
  };
}

/** Hemoglobin (DOMAIN.md): code fixed to LOINC 718-7, a Quantity value required. */
const hemoglobin = profile('hemoglobin', 'http://hl7.org/fhir/StructureDefinition/Observation', 'Observation', [
  { id: 'Observation.code', path: 'Observation.code', patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '718-7' }] } },
  { id: 'Observation.value[x]', path: 'Observation.value[x]', min: 1, type: [{ code: 'Quantity' }] },
]);

function element(sd: StructureDefinition, id: string): ElementDefinition | undefined {
  return sd.snapshot?.element.find((e) => e.id === id);
}

describe('generating a snapshot from a differential', () => {
  let generator: SnapshotGenerator;
  const projectDefinitions = readProfileStructureDefinitions(DEFAULT_PROFILES_DIR);

  beforeAll(async () => {
    generator = await SnapshotGenerator.create();
  });
  afterAll(() => generator.close());

  it('when a profile constrains core Observation, then its snapshot holds every element with the constraints', async () => {
    const result = await generator.generate(hemoglobin, []);
    expect(result.snapshot?.element.length).toBeGreaterThanOrEqual(50);
    expect(element(result, 'Observation.status')).toMatchObject({ min: 1, max: '1' });
    expect(element(result, 'Observation.code')?.patternCodeableConcept).toEqual({ coding: [{ system: 'http://loinc.org', code: '718-7' }] });
    expect(element(result, 'Observation.value[x]')).toMatchObject({ min: 1, type: [{ code: 'Quantity' }] });
    expect(result.differential).toEqual(hemoglobin.differential);
  });

  it('when a profile builds on another profile, then the snapshot carries the constraints of both', async () => {
    const child = profile('hemoglobin-of-a-patient', hemoglobin.url as string, 'Observation', [
      { id: 'Observation.subject', path: 'Observation.subject', min: 1, type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }] },
    ]);
    const result = await generator.generate(child, [hemoglobin]);
    expect(element(result, 'Observation.code')?.patternCodeableConcept).toEqual({ coding: [{ system: 'http://loinc.org', code: '718-7' }] });
    expect(element(result, 'Observation.subject')).toMatchObject({ min: 1 });
    expect(element(result, 'Observation.subject')?.type?.[0].targetProfile).toEqual(['http://hl7.org/fhir/StructureDefinition/Patient']);
  });

  it("when a profile builds on one of the project's compiled profiles, then the snapshot carries its constraints", async () => {
    const bigDose = profile('high-dose-per-kg', DOSE_PER_KG, 'Extension', [
      { id: 'Extension.value[x].value', path: 'Extension.value[x].value', minValueDecimal: 1000000 } as ElementDefinition,
    ]);
    const result = await generator.generate(bigDose, projectDefinitions);
    expect(element(result, 'Extension.value[x].code')).toMatchObject({ fixedCode: '{cells}/kg', min: 1 });
    expect(element(result, 'Extension.value[x].value')).toMatchObject({ min: 1, minValueDecimal: 1000000 });
  });

  it('when the base is neither core R4 nor a known profile, then it is refused as an unknown base', async () => {
    const orphan = profile('orphan', `${EXAMPLE}nowhere`, 'Observation', hemoglobin.differential?.element ?? []);
    await expect(generator.generate(orphan, projectDefinitions)).rejects.toThrow(UnknownBaseDefinitionError);
    const grandchild = profile('grandchild', orphan.url as string, 'Observation', [{ id: 'Observation.note', path: 'Observation.note', max: '0' }]);
    await expect(generator.generate(grandchild, [orphan])).rejects.toThrow(`based on ${EXAMPLE}nowhere`);
  });

  it.each([
    ['an element its type lacks', { id: 'Observation.colour', path: 'Observation.colour', min: 1 }, "Element 'colour' is illegal"],
    ['a wider cardinality', { id: 'Observation.status', path: 'Observation.status', max: '2' }, "Observation.status: max 2 is above the base's max 1"],
    ['a lower min', { id: 'Observation.status', path: 'Observation.status', min: 0 }, "Observation.status: min 0 is below the base's min 1"],
    ['a type the base does not allow', { id: 'Observation.value[x]', path: 'Observation.value[x]', type: [{ code: 'Address' }] }, 'type Address is not one of'],
    ['a path of another type', { id: 'Patient.name', path: 'Patient.name', min: 1 }, 'is not a path of its type Observation'],
  ])('when the differential adds %s, then it is refused as invalid', async (_what, diff, message) => {
    const bad = profile('bad', 'http://hl7.org/fhir/StructureDefinition/Observation', 'Observation', [diff as ElementDefinition]);
    const attempt = generator.generate(bad, []);
    await expect(attempt).rejects.toThrow(InvalidDifferentialError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('when there is no differential, then it is refused as invalid', async () => {
    await expect(generator.generate({ ...hemoglobin, differential: undefined }, [])).rejects.toThrow('has no differential');
  });

  it('when differential elements have no id, then they get R4\'s ids (path, with the slice names) and the snapshot is generated', async () => {
    const noIds = profile('bp-without-ids', 'http://hl7.org/fhir/StructureDefinition/Observation', 'Observation', [
      { path: 'Observation.component', slicing: { discriminator: [{ type: 'pattern', path: 'code' }], rules: 'open' }, min: 1 },
      { path: 'Observation.component', sliceName: 'systolic', min: 1, max: '1' },
      { path: 'Observation.component.code', patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] } },
      { path: 'Observation.note', max: '0' },
    ]);
    const result = await generator.generate(noIds, []);
    expect(result.differential?.element.map((e) => e.id)).toEqual([
      'Observation.component', 'Observation.component:systolic', 'Observation.component:systolic.code', 'Observation.note',
    ]);
    expect(element(result, 'Observation.component:systolic.code')?.patternCodeableConcept?.coding?.[0].code).toBe('8480-6');
    expect(element(result, 'Observation.note')).toMatchObject({ max: '0' });
  });
});

describe('element ids of a differential (R4 elementdefinition.html#id)', () => {
  it('when an element is declared again after a slice, then its children belong to it, not to the slice', () => {
    const ids = withElementIds([
      { path: 'Patient.identifier', sliceName: 'mrn' },
      { path: 'Patient.identifier.system', min: 1 },
      { path: 'Patient.identifier' , min: 1 },
      { path: 'Patient.identifier.value', min: 1 },
      { id: 'Patient.name', path: 'Patient.name', min: 1 },
      { path: 'Patient.extension', sliceName: 'birthPlace' },
      { path: 'Patient.extension.value[x]', sliceName: 'valueAddress' },
      { path: 'Patient.extension.value[x].city', min: 1 },
    ]).map((e) => e.id);
    expect(ids).toEqual([
      'Patient.identifier:mrn', 'Patient.identifier:mrn.system', 'Patient.identifier', 'Patient.identifier.value', 'Patient.name',
      'Patient.extension:birthPlace', 'Patient.extension:birthPlace.value[x]:valueAddress', 'Patient.extension:birthPlace.value[x]:valueAddress.city',
    ]);
  });
});
