import type { Group, GroupCharacteristic } from '@medplum/fhirtypes';
import { allOf, anyOf, evaluateEligibility } from '../../../../src/trial/eligibility/evaluate';
import { CRITERION_LOOKBACK_URL } from '../../../../src/trial/eligibility/criteria';
import { DATE, lab, LOINC, person, score, seedGroup } from './seed-groups';

const SLE = seedGroup('NCT03562065');

/** Every NCT03562065 criterion satisfied: age, SELENA-SLEDAI, and values clear of every exclusion. */
const sleClear = () => [
  score('selena-sledai', 8),
  lab('2164-2', 90, 'mL/min'),
  lab('10230-1', 60, '%'),
  lab('751-8', 3, '10*9/L'),
  lab('777-3', 250, '10*9/L'),
  lab('718-7', 13, 'g/dL'),
  lab('24467-3', 600, '10*6/L'),
];

const hemoglobinGroup = (extra: Partial<GroupCharacteristic> = {}): Group => ({
  resourceType: 'Group',
  type: 'person',
  actual: false,
  characteristic: [
    {
      code: { coding: [{ system: LOINC, code: '718-7' }], text: 'hemoglobin' },
      valueQuantity: { comparator: '<', value: 8, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
      exclude: true,
      ...extra,
    },
  ],
});

const only = (group: Group, observations: ReturnType<typeof lab>[]) =>
  evaluateEligibility(group, { patient: person(), observations, date: DATE }).criteria[0].alternatives[0].conditions[0];

describe('verdicts', () => {
  test('when every criterion lets the patient in, then the verdict is eligible', () => {
    expect(evaluateEligibility(SLE, { patient: person('1980-01-01'), observations: sleClear(), date: DATE }).verdict).toBe('eligible');
  });

  test('when one exclusion is met, then the verdict is ineligible even with other data missing', () => {
    const outcome = evaluateEligibility(SLE, { patient: person('1980-01-01'), observations: [lab('718-7', 7, 'g/dL')], date: DATE });
    expect(outcome.verdict).toBe('ineligible');
  });

  test('when an inclusion is not met, then the verdict is ineligible', () => {
    expect(evaluateEligibility(SLE, { patient: person('1950-01-01'), observations: sleClear(), date: DATE }).verdict).toBe('ineligible');
  });

  test('when only a value is missing, then the verdict is incomplete', () => {
    const observations = sleClear().filter((o) => o.code.coding?.[0].code !== '24467-3');
    expect(evaluateEligibility(SLE, { patient: person('1980-01-01'), observations, date: DATE }).verdict).toBe('incomplete');
  });

  test('three-valued logic: all of and any of', () => {
    expect(allOf(['met', 'unknown', 'not-met'])).toBe('not-met');
    expect(allOf(['met', 'unknown'])).toBe('unknown');
    expect(allOf(['met', 'met'])).toBe('met');
    expect(anyOf(['not-met', 'unknown', 'met'])).toBe('met');
    expect(anyOf(['not-met', 'unknown'])).toBe('unknown');
    expect(anyOf(['not-met', 'not-met'])).toBe('not-met');
  });
});

describe('units', () => {
  test('when hemoglobin arrives in g/L, then it is compared in g/dL (79 g/L is 7.9 g/dL: excluded; 80 g/L is not)', () => {
    const low = only(hemoglobinGroup(), [lab('718-7', 79, 'g/L')]);
    expect(low).toMatchObject({ result: 'met', compared: { value: 7.9, code: 'g/dL' }, value: { value: 79, code: 'g/L' } });
    expect(only(hemoglobinGroup(), [lab('718-7', 80, 'g/L')]).result).toBe('not-met');
  });

  test('when platelets arrive in 10*3/uL, then they are compared in 10*9/L', () => {
    const found = evaluateEligibility(SLE, { patient: person(), observations: [lab('777-3', 29, '10*3/uL')], date: DATE });
    const platelets = found.criteria.find((c) => c.criterion.alternatives[0].conditions[0].characteristic.code?.coding?.[0].code === '777-3');
    expect(platelets?.alternatives[0].conditions[0]).toMatchObject({ result: 'met', compared: { value: 29 } });
  });

  test('when a unit cannot be converted (hemoglobin in %), then the condition is unknown, with the evidence', () => {
    const outcome = only(hemoglobinGroup(), [lab('718-7', 7, '%')]);
    expect(outcome.result).toBe('unknown');
    expect(outcome.missing).toMatch(/which UCUM does not convert/);
    expect(outcome.evidence?.reference).toMatch(/^Observation\//);
  });
});

describe('which Observation is used', () => {
  test('when there are several within the lookback, then the latest on or before the date is used', () => {
    const older = lab('718-7', 7, 'g/dL', '2026-10-01');
    const latest = lab('718-7', 9, 'g/dL', '2026-11-30');
    const after = lab('718-7', 6, 'g/dL', '2026-12-02');
    expect(only(hemoglobinGroup(), [latest, older, after])).toMatchObject({ result: 'not-met', evidence: { reference: `Observation/${latest.id}` } });
  });

  test('when the only one is 91 days old, then it is unknown; 90 days old, it counts', () => {
    expect(only(hemoglobinGroup(), [lab('718-7', 7, 'g/dL', '2026-09-01')]).result).toBe('unknown');
    expect(only(hemoglobinGroup(), [lab('718-7', 7, 'g/dL', '2026-09-02')]).result).toBe('met');
  });

  test('when a later one was entered in error, then the earlier final one is used', () => {
    const final = lab('718-7', 7, 'g/dL', '2026-11-01');
    expect(only(hemoglobinGroup(), [final, lab('718-7', 12, 'g/dL', '2026-11-20', { status: 'entered-in-error' })]).evidence?.reference).toBe(`Observation/${final.id}`);
  });

  test('when the criterion has a 30-day lookback, then a 31-day-old value does not count', () => {
    const group = hemoglobinGroup({ extension: [{ url: CRITERION_LOOKBACK_URL, valueDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } }] });
    expect(only(group, [lab('718-7', 7, 'g/dL', '2026-10-31')]).result).toBe('unknown');
    expect(only(group, [lab('718-7', 7, 'g/dL', '2026-11-01')]).result).toBe('met');
  });

  test('when the criterion has a period, then only values within it count', () => {
    const group = hemoglobinGroup({ period: { start: '2026-01-01', end: '2026-03-31' } });
    expect(only(group, [lab('718-7', 7, 'g/dL', '2026-11-01')]).result).toBe('unknown');
    expect(only(group, [lab('718-7', 7, 'g/dL', '2026-02-01')]).result).toBe('met');
  });
});

describe('sex', () => {
  const female: Group = {
    resourceType: 'Group', type: 'person', actual: false,
    characteristic: [{ code: { coding: [{ system: 'http://snomed.info/sct', code: '263495000' }] }, valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }] }, exclude: false }],
  };
  test('when the criterion is female, then a female patient meets it, a male does not, and one without gender is unknown', () => {
    const result = (gender?: 'female' | 'male') => evaluateEligibility(female, { patient: { resourceType: 'Patient', id: 'p', gender }, observations: [], date: DATE }).criteria[0].result;
    expect([result('female'), result('male'), result(undefined)]).toEqual(['met', 'not-met', 'unknown']);
  });
});
