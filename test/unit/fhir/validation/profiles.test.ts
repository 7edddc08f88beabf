import type { ElementDefinition } from '@medplum/fhirtypes';
import { ConformanceResourceError, createValidator } from '../../../../src/fhir/validation';
import { EXAMPLE_URL, profileOf } from './profile-fixture';
import { errorsOf, issuesOf, observation, without } from './validator-fixture';

const HEMOGLOBIN = `${EXAMPLE_URL}hemoglobin`;
const SCORED = `${EXAMPLE_URL}scored`;
const SCORE_EXTENSION = `${EXAMPLE_URL}score-method`;

/** Hemoglobin: LOINC 718-7 by pattern, a Quantity value required in g/dL (fixed code), no component. */
const hemoglobin = profileOf('Observation', 'hemoglobin', {
  'Observation.code': { patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '718-7' }] } },
  'Observation.value[x]': { min: 1, type: [{ code: 'Quantity' }] },
  'Observation.component': { max: '0' },
});

const scoreMethodExtension = profileOf('Extension', 'score-method', {
  Extension: { min: 0, max: '1' },
  'Extension.url': { fixedUri: SCORE_EXTENSION },
  'Extension.value[x]': { min: 1, type: [{ code: 'CodeableConcept' }] },
});

const extensionSlice: ElementDefinition[] = [
  {
    id: 'Observation.extension:scoreMethod',
    path: 'Observation.extension',
    sliceName: 'scoreMethod',
    min: 1,
    max: '1',
    type: [{ code: 'Extension', profile: [SCORE_EXTENSION] }],
  },
];

/** A profile with a required extension slice and a closed category slicing by pattern. */
const scored = profileOf(
  'Observation',
  'scored',
  {
    'Observation.extension': { slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } },
    'Observation.category': { min: 1, slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'closed' } },
  },
  [
    ...extensionSlice,
    {
      id: 'Observation.category:survey',
      path: 'Observation.category',
      sliceName: 'survey',
      min: 1,
      max: '1',
      type: [{ code: 'CodeableConcept' }],
      patternCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] },
    },
  ],
);

const survey = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] };
const scoreMethod = { url: SCORE_EXTENSION, valueCodeableConcept: { text: 'mRSS' } };

function validator() {
  const v = createValidator();
  v.register([hemoglobin, scoreMethodExtension, scored]);
  return v;
}

describe('profiles', () => {
  const v = validator();
  const profiled = (overrides: Record<string, unknown> = {}) => observation({ meta: { profile: [HEMOGLOBIN] }, ...overrides });

  it('accepts a resource conforming to its meta.profile', () => {
    expect(errorsOf(profiled(), v)).toEqual([]);
  });

  it('applies a pattern from the profile', () => {
    const errors = errorsOf(profiled({ code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] } }), v);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Observation\.code: The value does not match the required pattern/);
  });

  it('applies the profile cardinality, naming the profile', () => {
    expect(errorsOf(without(profiled(), 'valueQuantity'), v)).toEqual([
      `Observation: Observation.value[x]: minimum required = 1, but only found 0 (from ${HEMOGLOBIN}|1.0.0)`,
    ]);
  });

  it('refuses a choice type the profile removed', () => {
    const errors = errorsOf({ ...without(profiled(), 'valueQuantity'), valueString: '13' }, v);
    expect(errors).toEqual([
      'Observation: The type of element valueString is not known - it could not be determined from the information available. Valid types at this point are Quantity',
    ]);
  });

  it('applies a profile given in options.profiles when meta.profile is absent', () => {
    expect(errorsOf(observation({ component: [{ code: { text: 'x' } }] }), v, [HEMOGLOBIN])).toEqual([
      `Observation: Observation.component: max allowed = 0, but found 1 (from ${HEMOGLOBIN}|1.0.0)`,
    ]);
  });

  it('warns about an unknown meta.profile, as the Java validator does', () => {
    const issues = issuesOf(observation({ meta: { profile: ['https://example.org/unknown'] } }), v);
    expect(issues.map((i) => [i.severity, i.expression[0]])).toEqual([['warning', 'Observation.meta.profile[0]']]);
  });

  it('refuses an unknown profile that was asked for', () => {
    expect(errorsOf(observation(), v, ['https://example.org/unknown'])).toEqual([
      "Observation: Profile 'https://example.org/unknown' is not known to this server, so the resource cannot be checked against it",
    ]);
  });

  it('requires a required extension slice, matched by url', () => {
    const base = observation({ meta: { profile: [SCORED] }, category: [survey] });
    expect(errorsOf({ ...base, extension: [scoreMethod] }, v)).toEqual([]);
    expect(errorsOf(base, v)).toEqual([
      `Observation: Slice 'Observation.extension:scoreMethod': a matching slice is required, but not found (from ${SCORED}|1.0.0). Note that other slices are allowed in addition to this required slice`,
    ]);
  });

  it('checks an extension against its definition', () => {
    const wrong = { url: SCORE_EXTENSION, valueString: 'mRSS' };
    const errors = errorsOf(observation({ meta: { profile: [SCORED] }, category: [survey], extension: [wrong] }), v);
    expect(errors).toContain(
      'Observation.extension[0]: The type of element valueString is not known - it could not be determined from the information available. Valid types at this point are CodeableConcept',
    );
  });

  it('refuses an item that matches no slice of a closed slicing', () => {
    const other = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam' }] };
    const errors = errorsOf(observation({ meta: { profile: [SCORED] }, category: [survey, other], extension: [scoreMethod] }), v);
    expect(errors).toEqual([
      `Observation.category[1]: This element does not match any known slice defined in the profile ${SCORED}|1.0.0 and slicing is CLOSED`,
    ]);
  });

  it('refuses more items in a slice than its maximum', () => {
    const errors = errorsOf(observation({ meta: { profile: [SCORED] }, category: [survey, survey], extension: [scoreMethod] }), v);
    expect(errors).toEqual([`Observation: Observation.category:survey: max allowed = 1, but found 2 (from ${SCORED}|1.0.0)`]);
  });

  it('knows the registered profiles and summarises them by type with their codes', () => {
    expect(v.knowsProfile(HEMOGLOBIN)).toBe(true);
    expect(v.knowsProfile(`${HEMOGLOBIN}|1.0.0`)).toBe(true);
    expect(v.knowsProfile(`${HEMOGLOBIN}|2.0.0`)).toBe(false);
    expect(v.profilesFor('Observation')).toEqual([
      { url: HEMOGLOBIN, type: 'Observation', codes: [{ system: 'http://loinc.org', code: '718-7' }] },
      { url: SCORED, type: 'Observation', codes: [] },
    ]);
  });

  it('registers nothing of a call when one definition cannot be compiled', () => {
    const fresh = createValidator();
    const broken = { ...profileOf('Patient', 'broken', {}), snapshot: undefined };
    expect(() => fresh.register([hemoglobin, broken])).toThrow(ConformanceResourceError);
    expect(fresh.knowsProfile(HEMOGLOBIN)).toBe(false);
  });

  it('refuses a profile with an invariant that does not parse', () => {
    const badInvariant = profileOf('Patient', 'bad-invariant', {
      Patient: { constraint: [{ key: 'x-1', severity: 'error', human: 'x', expression: 'name.where(' }] },
    });
    expect(() => createValidator().register([badInvariant])).toThrow(ConformanceResourceError);
  });

  it('evaluates a profile invariant with its severity', () => {
    const withInvariant = profileOf('Observation', 'positive', {
      Observation: {
        constraint: [{ key: 'pos-1', severity: 'error', human: 'The value is positive', expression: 'value.ofType(Quantity).value > 0' }],
      },
    });
    const fresh = createValidator();
    fresh.register([withInvariant]);
    const negative = observation({ valueQuantity: { value: -1, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' } });
    expect(errorsOf(negative, fresh, [withInvariant.url])).toEqual(["Observation: Constraint failed: pos-1: 'The value is positive'"]);
  });
});

describe('core R4 definitions', () => {
  it('compiles core profiles that name a slice of a single element (catalog, familymemberhistory-genetic)', () => {
    const v = createValidator();
    const urls = ['http://hl7.org/fhir/StructureDefinition/catalog', 'http://hl7.org/fhir/StructureDefinition/familymemberhistory-genetic'];
    for (const url of urls) {
      expect(v.knowsProfile(url)).toBe(true);
    }
  });
});

describe('fixed values', () => {
  const fixedTelecom = profileOf('Practitioner', 'fixed-telecom', { 'Practitioner.telecom': { fixedContactPoint: { use: 'work' } } });
  const v = createValidator();
  v.register([fixedTelecom]);

  it('accepts the fixed value exactly', () => {
    expect(errorsOf({ resourceType: 'Practitioner', telecom: [{ use: 'work' }] }, v, [fixedTelecom.url])).toEqual([]);
  });

  it('reports each element the fixed value does not have, as the Java validator does', () => {
    expect(errorsOf({ resourceType: 'Practitioner', telecom: [{ use: 'work', system: 'phone', value: '1' }] }, v, [fixedTelecom.url])).toEqual([
      'Practitioner.telecom[0].system: The element system is present in the instance but not allowed in the applicable fixed value specified in profile',
      'Practitioner.telecom[0].value: The element value is present in the instance but not allowed in the applicable fixed value specified in profile',
    ]);
  });

  it('reports a different primitive', () => {
    expect(errorsOf({ resourceType: 'Practitioner', telecom: [{ use: 'home' }] }, v, [fixedTelecom.url])).toEqual([
      "Practitioner.telecom[0].use: Value is 'home' but must be 'work'",
    ]);
  });
});
