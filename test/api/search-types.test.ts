import type { Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { labelledSearch } from '../helpers/labelled-search';
import { storeName, useTestApp } from '../helpers/test-app';

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';

/** Crafted resources, by label; each case below names the labels it must return, and no others. */
const RESOURCES: Record<string, Resource> = {
  glucose54: observation('2339-0', { value: 5.4, unit: 'mmol/L', system: UCUM, code: 'mmol/L' }),
  glucose100: observation('2339-0', { value: 100, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }),
  glucoseBelow3: observation('2339-0', { value: 3, comparator: '<', unit: 'mmol/L', system: UCUM, code: 'mmol/L' }),
  hemoglobin: observation('718-7', { value: 13.5, unit: 'g/dL', system: UCUM, code: 'g/dL' }),
  onsetRange: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, onsetRange: { low: { value: 40, unit: 'a', system: UCUM, code: 'a' }, high: { value: 50, unit: 'a', system: UCUM, code: 'a' } } },
  onsetAge: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, onsetAge: { value: 63, unit: 'yr', system: UCUM, code: 'a' } },
  risk02: risk({ probabilityDecimal: 0.2 }),
  risk0255: risk({ probabilityDecimal: 0.255 }),
  riskRange: risk({ probabilityRange: { low: { value: 0.5 }, high: { value: 0.7 } } }),
  bloodPressure: {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '85354-9' }] },
    component: [
      { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: 120, system: UCUM, code: 'mm[Hg]' } },
      { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: 80, system: UCUM, code: 'mm[Hg]' } },
    ],
  } as Resource,
  vsCore: valueSet('http://example.org/fhir/ValueSet/core'),
  vsCoreLabs: valueSet('http://example.org/fhir/ValueSet/core/labs'),
  vsOther: valueSet('http://other.example.com/ValueSet/x'),
};

const CASES: [string, string[]][] = [
  // quantity: number only, number|system|code, number||code (code or unit), prefixes, comparators
  ['Observation?value-quantity=5.4', ['glucose54']],
  ['Observation?value-quantity=5.4|http://unitsofmeasure.org|mmol/L', ['glucose54']],
  ['Observation?value-quantity=5.4|http://unitsofmeasure.org|mg/dL', []],
  ['Observation?value-quantity=100||mg/dL', ['glucose100']],
  ['Observation?value-quantity=5', ['glucose54']],
  ['Observation?value-quantity=5.40', ['glucose54']],
  ['Observation?value-quantity=5.3', []],
  ['Observation?value-quantity=5.400001', []],
  ['Observation?value-quantity=1e2', ['glucose100']],
  ['Observation?value-quantity=gt5.4', ['glucose100', 'hemoglobin']],
  ['Observation?value-quantity=ge5.4||mmol/L', ['glucose54']],
  ['Observation?value-quantity=lt5||mmol/L', ['glucoseBelow3']],
  ['Observation?value-quantity=le2||mmol/L', ['glucoseBelow3']],
  ['Observation?value-quantity=gt2||mmol/L', ['glucose54', 'glucoseBelow3']],
  ['Observation?value-quantity=ne5.4||mmol/L', ['glucoseBelow3']],
  ['Observation?value-quantity=ap5||mmol/L', ['glucose54']],
  ['Observation?value-quantity=ap95', ['glucose100']],
  ['Observation?value-quantity=sa5&code=http://loinc.org|2339-0', ['glucose54', 'glucose100']],
  ['Observation?value-quantity=eb5', ['glucoseBelow3']],
  ['Observation?value-quantity:missing=true', ['bloodPressure']],
  ['Observation?combo-value-quantity:missing=true', []],
  ['Observation?value-quantity=5.4,13.5', ['glucose54', 'hemoglobin']],
  ['Condition?onset-age=45', []],
  ['Condition?onset-age=gt45', ['onsetRange', 'onsetAge']],
  ['Condition?onset-age=lt45||a', ['onsetRange']],
  ['Condition?onset-age=63|http://unitsofmeasure.org|a', ['onsetAge']],
  // combo-* parameters are answered from their parts' rows: the resource's own and its components'
  ['Observation?combo-code=http://loinc.org|8480-6', ['bloodPressure']],
  ['Observation?combo-code=http://loinc.org|85354-9,http://loinc.org|718-7', ['bloodPressure', 'hemoglobin']],
  ['Observation?combo-code:missing=true', []],
  ['Observation?combo-value-quantity=80||mm[Hg]', ['bloodPressure']],
  ['Observation?combo-value-quantity=13.5', ['hemoglobin']],
  ['Observation?component-value-quantity=13.5', []],
  ['Observation?combo-code=8462-4&_sort=combo-code', ['bloodPressure']],
  // number: precision ranges, prefixes, Range values
  ['RiskAssessment?probability=0.2', ['risk02']],
  ['RiskAssessment?probability=0.26', ['risk0255']],
  ['RiskAssessment?probability=0.3', ['risk0255']],
  ['RiskAssessment?probability=0.20', ['risk02']],
  ['RiskAssessment?probability=gt0.2', ['risk0255', 'riskRange']],
  ['RiskAssessment?probability=ge0.2', ['risk02', 'risk0255', 'riskRange']],
  ['RiskAssessment?probability=lt0.6', ['risk02', 'risk0255', 'riskRange']],
  ['RiskAssessment?probability=sa0.4', ['riskRange']],
  ['RiskAssessment?probability=eb0.3', ['risk02', 'risk0255']],
  ['RiskAssessment?probability=ne0.2', ['risk0255', 'riskRange']],
  ['RiskAssessment?probability=ap0.25', ['risk0255']],
  // uri: exact, :below, :above
  ['ValueSet?url=http://example.org/fhir/ValueSet/core', ['vsCore']],
  ['ValueSet?url:below=http://example.org/fhir/ValueSet/core', ['vsCore', 'vsCoreLabs']],
  ['ValueSet?url:above=http://example.org/fhir/ValueSet/core/labs/extra', ['vsCore', 'vsCoreLabs']],
  ['ValueSet?url:above=http://example.org/fhir/ValueSet/core', ['vsCore']],
];

describe(`search by number, quantity, uri and combo parameters (${storeName()})`, () => {
  const t = useTestApp();
  const labelsOf = labelledSearch(t, RESOURCES);

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    expect(await labelsOf(query)).toEqual([...expected].sort());
  });

  it('when a quantity or number value is malformed, then 400 names it', async () => {
    for (const query of ['Observation?value-quantity=abc', 'Observation?value-quantity=5|a|b|c', 'RiskAssessment?probability=0.2.1']) {
      const response = await request(t.app).get(`/fhir/${query}`).expect(400);
      expect(response.body.resourceType).toBe('OperationOutcome');
    }
  });
});

function observation(code: string, valueQuantity: Record<string, unknown>): Resource {
  return { resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code }] }, subject: { reference: 'Patient/p1' }, valueQuantity } as Resource;
}

function risk(prediction: Record<string, unknown>): Resource {
  return { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [prediction] } as Resource;
}

function valueSet(url: string): Resource {
  return { resourceType: 'ValueSet', status: 'active', url } as Resource;
}
