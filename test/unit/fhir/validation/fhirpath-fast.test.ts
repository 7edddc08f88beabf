import { evalFhirPathTyped, parseFhirPath, toJsBoolean } from '@medplum/core';
import { loadR4Definitions } from '../../../../src/fhir/conformance/r4-definitions';
import { compileFast } from '../../../../src/fhir/validation/fhirpath-fast';

/** The fast subset must agree with @medplum/core's FHIRPath engine wherever it answers. */
const CHOICES = new Set(['value', 'effective']);

const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7' }, { system: 'http://snomed.info/sct', code: '1' }] },
  valueQuantity: { value: 13.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
  component: [{ code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] } }],
  contained: [{ resourceType: 'Patient', id: 'p' }],
  subject: { reference: '#p' },
};

const expressions = [
  'dataAbsentReason.empty() or value.empty()',
  'code.coding.where(system = %ucum).exists()',
  'valueQuantity.value > 10 and valueQuantity.value <= 13.2',
  "status = 'final' implies effective.exists()",
  "code.coding.code.count() = 2 xor status != 'final'",
  "subject.reference.startsWith('#').not() or (subject.reference.substring(1) in %resource.contained.id)",
  "code.coding.all(system.startsWith('http'))",
  "code.coding.select(system).isDistinct()",
  "(code.coding.count() + component.count()) > 2",
  "code.coding[1].code = '1'",
  "status.matches('^fin')",
  "Observation.status.length() >= 5",
  "('#' + contained.id.first()) = subject.reference",
  "code.coding.code | component.code.coding.code",
  'value.ofType(Quantity).all(value >= 1 and value <= 25)',
  "value.ofType(Quantity).all(code = 'g/L')",
  'value.ofType(string).exists()',
  'Observation.value.ofType(Quantity).value > 13',
];

describe('fast FHIRPath subset', () => {
  beforeAll(() => loadR4Definitions());

  it.each(expressions)('agrees with @medplum/core on %s', (expression) => {
    const atom = parseFhirPath(expression);
    const fast = compileFast(atom, CHOICES);
    expect(fast).toBeDefined();
    const typed = { type: 'Observation', value: observation };
    const expected = evalFhirPathTyped(atom, [typed], { '%resource': typed, '%context': typed, '%ucum': { type: 'string', value: 'http://unitsofmeasure.org' } });
    const actual = fast?.(observation, { context: observation, contextType: 'Observation', resource: observation, rootResource: observation }) ?? [];
    if (expected.length === 1 && typeof expected[0].value === 'boolean') {
      expect(actual).toEqual([toJsBoolean(expected)]);
    } else {
      expect(actual).toEqual(expected.map((t) => t.value));
    }
  });

  it('compares objects by value in intersect(), where @medplum/core 4.5 finds no common Coding (obs-7)', () => {
    const obs7 = 'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()';
    const fast = compileFast(parseFhirPath(obs7), CHOICES);
    const vars = { context: observation, contextType: 'Observation', resource: observation, rootResource: observation };
    // The component repeats the Observation's code while the Observation has a value: obs-7 fails.
    expect(fast?.(observation, vars)).toEqual([false]);
  });

  it('leaves what it does not implement to @medplum/core', () => {
    for (const expression of ['descendants().count() > 0', "birthDate < @2020-01-01", 'name.exists() implies name.iif(true, 1, 2) = 1']) {
      expect(compileFast(parseFhirPath(expression), CHOICES)).toBeUndefined();
    }
  });
});
