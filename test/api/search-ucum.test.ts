import type { Resource } from '@medplum/fhirtypes';
import { labelledSearch } from '../helpers/labelled-search';
import { storeName, useTestApp } from '../helpers/test-app';

const UCUM = 'http://unitsofmeasure.org';

/** Crafted resources, by label; each case below names the labels it must return, and no others. */
const RESOURCES: Record<string, Resource> = {
  hb135gdL: observation({ value: 13.5, unit: 'g/dL', system: UCUM, code: 'g/dL' }),
  hb135gL: observation({ value: 135, unit: 'g/L', system: UCUM, code: 'g/L' }),
  hb12gdL: observation({ value: 12, unit: 'g/dL', system: UCUM, code: 'g/dL' }),
  // the same number and code in another unit system is not UCUM; a bare unit text has no system at all
  localUnits: observation({ value: 13.5, unit: 'g/dL', system: 'http://example.org/units', code: 'g/dL' }),
  unitTextOnly: observation({ value: 13.5, unit: 'g/dL' }),
  neutrophils109: observation({ value: 3.5, unit: '10^9/L', system: UCUM, code: '10*9/L' }),
  neutrophils103uL: observation({ value: 3.5, unit: '10^3/µL', system: UCUM, code: '10*3/uL' }),
  temperature: observation({ value: 37, unit: '°C', system: UCUM, code: 'Cel' }),
  // annotations and arbitrary units keep exact-code matching
  dosePerKg: observation({ value: 1000000, unit: 'cells/kg', system: UCUM, code: '{cells}/kg' }),
  score: observation({ value: 1000000, unit: 'score', system: UCUM, code: '{score}' }),
  antiXa: observation({ value: 5, unit: 'IU/L', system: UCUM, code: '[iU]/L' }),
  lessThan: observation({ value: 1, comparator: '<', unit: 'g/L', system: UCUM, code: 'g/L' }),
  onsetRange: condition({ onsetRange: { low: { value: 40, unit: 'a', system: UCUM, code: 'a' }, high: { value: 50, unit: 'a', system: UCUM, code: 'a' } } }),
  onsetAge: condition({ onsetAge: { value: 63, unit: 'yr', system: UCUM, code: 'a' } }),
};

const CASES: [string, string[]][] = [
  // the same quantity in other units, at the precision the search value is written with
  ['Observation?value-quantity=13.5|http://unitsofmeasure.org|g/dL', ['hb135gdL', 'hb135gL']],
  ['Observation?value-quantity=135|http://unitsofmeasure.org|g/L', ['hb135gdL', 'hb135gL']],
  ['Observation?value-quantity=135000|http://unitsofmeasure.org|mg/L', ['hb135gdL', 'hb135gL']],
  ['Observation?value-quantity=1.35e2|http://unitsofmeasure.org|g/L', ['hb135gdL', 'hb135gL']],
  ['Observation?value-quantity=134|http://unitsofmeasure.org|g/L', []],
  ['Observation?value-quantity=13.4|http://unitsofmeasure.org|g/dL', []],
  // prefixes compare in base units
  ['Observation?value-quantity=gt12.5|http://unitsofmeasure.org|g/dL', ['hb135gdL', 'hb135gL']],
  ['Observation?value-quantity=le120|http://unitsofmeasure.org|g/L', ['hb12gdL', 'lessThan']],
  ['Observation?value-quantity=lt0.5|http://unitsofmeasure.org|g/dL', ['lessThan']],
  ['Observation?value-quantity=ap130|http://unitsofmeasure.org|g/L', ['hb135gdL', 'hb135gL', 'hb12gdL']],
  ['Observation?value-quantity=ne13.5|http://unitsofmeasure.org|g/dL', ['hb12gdL', 'lessThan']],
  ['Observation?value-quantity=13.5|http://unitsofmeasure.org|g', []],
  // with no system, a UCUM code also matches in other units, and any code or unit text as written
  ['Observation?value-quantity=13.5||g/dL', ['hb135gdL', 'hb135gL', 'localUnits', 'unitTextOnly']],
  ['Observation?value-quantity=13.5|http://example.org/units|g/dL', ['localUnits']],
  ['Observation?value-quantity=3.5|http://unitsofmeasure.org|10*9/L', ['neutrophils109', 'neutrophils103uL']],
  ['Observation?value-quantity=3500|http://unitsofmeasure.org|10*6/L', ['neutrophils109', 'neutrophils103uL']],
  // special units convert by their function
  ['Observation?value-quantity=37|http://unitsofmeasure.org|Cel', ['temperature']],
  ['Observation?value-quantity=98.6|http://unitsofmeasure.org|[degF]', ['temperature']],
  ['Observation?value-quantity=310.15|http://unitsofmeasure.org|K', ['temperature']],
  ['Observation?value-quantity=gt100|http://unitsofmeasure.org|[degF]', []],
  // annotated, arbitrary and unknown codes: exact code only
  ['Observation?value-quantity=1000000|http://unitsofmeasure.org|{cells}/kg', ['dosePerKg']],
  ['Observation?value-quantity=1000000|http://unitsofmeasure.org|/kg', []],
  ['Observation?value-quantity=1000|http://unitsofmeasure.org|{cells}/g', []],
  ['Observation?value-quantity=1000000|http://unitsofmeasure.org|1', []],
  ['Observation?value-quantity=5|http://unitsofmeasure.org|[iU]/L', ['antiXa']],
  ['Observation?value-quantity=0.005|http://unitsofmeasure.org|[iU]/mL', []],
  ['Observation?value-quantity=13.5|http://unitsofmeasure.org|not-a-unit', []],
  // Range and Age values
  ['Condition?onset-age=gt500|http://unitsofmeasure.org|mo', ['onsetRange', 'onsetAge']],
  ['Condition?onset-age=lt490|http://unitsofmeasure.org|mo', ['onsetRange']],
  ['Condition?onset-age=756|http://unitsofmeasure.org|mo', ['onsetAge']],
  ['Condition?onset-age=gt15000|http://unitsofmeasure.org|d', ['onsetRange', 'onsetAge']],
  ['Condition?onset-age=gt20000|http://unitsofmeasure.org|d', ['onsetAge']],
];

describe(`search by UCUM quantities (${storeName()})`, () => {
  const t = useTestApp();
  const labelsOf = labelledSearch(t, RESOURCES);

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    expect(await labelsOf(query)).toEqual([...expected].sort());
  });
});

function observation(valueQuantity: Record<string, unknown>): Resource {
  return { resourceType: 'Observation', status: 'final', code: { text: 'lab' }, subject: { reference: 'Patient/p1' }, valueQuantity } as Resource;
}

function condition(onset: Record<string, unknown>): Resource {
  return { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, ...onset } as Resource;
}
