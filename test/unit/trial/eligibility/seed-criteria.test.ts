import type { Observation } from '@medplum/fhirtypes';
import { evaluateEligibility, type CriterionOutcome } from '../../../../src/trial/eligibility/evaluate';
import { DATE, lab, person, score, seedGroup } from './seed-groups';

const SSC = seedGroup('NCT04356287');
const SLE = seedGroup('NCT03562065');

/** The criterion of `group` whose one characteristic has this code, as evaluated from these Observations. */
function criterionFor(group: typeof SSC, code: string, observations: Observation[], birthDate?: string): CriterionOutcome {
  const outcome = evaluateEligibility(group, { patient: person(birthDate), observations, date: DATE });
  const found = outcome.criteria.find((c) => c.criterion.group === undefined && c.alternatives[0].conditions[0].condition.characteristic.code?.coding?.some((x) => x.code === code));
  if (!found) throw new Error(`no criterion for ${code}`);
  return found;
}

describe('NCT04356287 numeric exclusions at their thresholds', () => {
  // [what, LOINC, unit, just inside the exclusion (excluded), just outside (kept)]
  const cases: [string, string, string, number, number][] = [
    ['FVC % predicted < 45', '19872-1', '%', 44.9, 45],
    ['DLCO % predicted < 30', '98130-8', '%', 29.9, 30],
    ['LVEF < 40', '10230-1', '%', 39, 40],
    ['eGFR < 30', '62238-1', 'mL/min/{1.73_m2}', 29.9, 30],
    ['BMI < 18', '39156-5', 'kg/m2', 17.9, 18],
    ['neutrophils < 0.5', '751-8', '10*9/L', 0.49, 0.5],
    ['platelets < 30', '777-3', '10*9/L', 29, 30],
    ['hemoglobin < 8', '718-7', 'g/dL', 7.9, 8],
    ['CD4 < 200', '24467-3', '10*6/L', 199, 200],
  ];

  test.each(cases)('when %s is just inside, then the exclusion is met; just outside, not met; missing, unknown', (_what, code, unit, inside, outside) => {
    expect(criterionFor(SSC, code, [lab(code, inside, unit)]).result).toBe('met');
    expect(criterionFor(SSC, code, [lab(code, outside, unit)]).result).toBe('not-met');
    const missing = criterionFor(SSC, code, []);
    expect(missing.result).toBe('unknown');
    expect(missing.alternatives[0].conditions[0].missing).toMatch(/^an Observation of .+ made from 2026-09-02 to 2026-12-01$/);
  });

  test('when the eGFR is coded MDRD (33914-3), then it counts as the eGFR', () => {
    expect(criterionFor(SSC, '62238-1', [lab('33914-3', 29, 'mL/min/{1.73_m2}')]).result).toBe('met');
  });

  test.each([
    ['AST', '1920-8'],
    ['ALT', '1742-6'],
  ])('when %s is just above 3 x the upper limit of normal, then it excludes; at 3 x, not; without a reference range, unknown', (_name, code) => {
    const range = (high: number): Partial<Observation> => ({ referenceRange: [{ high: { value: high, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } }] });
    const above = criterionFor(SSC, code, [lab(code, 121, 'U/L', undefined, range(40))]);
    expect(above.result).toBe('met');
    expect(above.alternatives[0].conditions[0].compared).toMatchObject({ value: 3.025, code: '{ULN}' });
    expect(criterionFor(SSC, code, [lab(code, 120, 'U/L', undefined, range(40))]).result).toBe('not-met');
    const noRange = criterionFor(SSC, code, [lab(code, 500, 'U/L')]);
    expect(noRange.result).toBe('unknown');
    expect(noRange.alternatives[0].conditions[0].missing).toMatch(/no referenceRange.high/);
  });

  test('when the age is 18 on the date, then the age criterion is met; the day before the 18th birthday, not', () => {
    expect(criterionFor(SSC, '424144002', [], '2008-12-01').result).toBe('met');
    expect(criterionFor(SSC, '424144002', [], '2008-12-02').result).toBe('not-met');
  });
});

describe('NCT04356287 severe disease (mRSS and its alternatives)', () => {
  const severe = (observations: Observation[]): CriterionOutcome => {
    const found = evaluateEligibility(SSC, { patient: person(), observations, date: DATE }).criteria.find((c) => c.criterion.group === 'severe-disease');
    if (!found) throw new Error('no severe-disease criterion');
    return found;
  };

  test('when the mRSS is 15, then neither alternative holds and the criterion is not met', () => {
    expect(severe([score('mrss', 15), lab('4537-7', 40, 'mm/h')]).result).toBe('not-met');
  });

  test('when the mRSS is 16, then it is unknown: organ involvement is not computable', () => {
    const outcome = severe([score('mrss', 16)]);
    expect(outcome.result).toBe('unknown');
    const ii = outcome.alternatives.find((a) => a.alternative.label === 'ii');
    expect(ii?.conditions.map((c) => c.result)).toEqual(['met', 'unknown']);
    expect(ii?.conditions[1].missing).toMatch(/^not computable/);
  });

  test('when the mRSS is 21 with ESR 26 mm/h, then alternative i is unknown only for the disease duration', () => {
    const outcome = severe([score('mrss', 21), lab('4537-7', 26, 'mm/h'), lab('718-7', 12, 'g/dL')]);
    const esr = outcome.alternatives.find((a) => a.alternative.label === 'i-esr');
    expect(esr?.conditions.map((c) => c.result)).toEqual(['unknown', 'met', 'met']);
    expect(outcome.alternatives.find((a) => a.alternative.label === 'i-hemoglobin')?.result).toBe('not-met');
    expect(outcome.result).toBe('unknown');
  });

  test('when ESR is 25 mm/h and hemoglobin 11 g/dL, then both i alternatives are not met at their edges', () => {
    const outcome = severe([score('mrss', 30), lab('4537-7', 25, 'mm/h'), lab('718-7', 110, 'g/L')]);
    expect(outcome.alternatives.filter((a) => a.alternative.label?.startsWith('i-')).map((a) => a.result)).toEqual(['not-met', 'not-met']);
  });

  test('when there is no mRSS, then the criterion is unknown and says the mRSS is missing', () => {
    const outcome = severe([]);
    expect(outcome.result).toBe('unknown');
    expect(outcome.alternatives[0].conditions.some((c) => c.missing?.startsWith('an Observation of modified Rodnan skin score'))).toBe(true);
  });
});

describe('NCT03562065 criteria', () => {
  test('when SELENA-SLEDAI is 6, then the inclusion is met; 5, not met; missing, unknown', () => {
    expect(criterionFor(SLE, 'selena-sledai', [score('selena-sledai', 6)]).result).toBe('met');
    expect(criterionFor(SLE, 'selena-sledai', [score('selena-sledai', 5)]).result).toBe('not-met');
    expect(criterionFor(SLE, 'selena-sledai', []).result).toBe('unknown');
  });

  test('when the patient is 70 (the day before turning 71), then the age criterion is met; at 71, not; at 17, not', () => {
    expect(criterionFor(SLE, '424144002', [], '1955-12-02').result).toBe('met');
    expect(criterionFor(SLE, '424144002', [], '1955-12-01').result).toBe('not-met');
    expect(criterionFor(SLE, '424144002', [], '2009-01-01').result).toBe('not-met');
  });

  test('when the birth date is missing, then the age criterion is unknown and says so', () => {
    const outcome = evaluateEligibility(SLE, { patient: { resourceType: 'Patient', id: 'p1' }, observations: [], date: DATE });
    expect(outcome.criteria[0].alternatives[0].conditions[0]).toMatchObject({ result: 'unknown', missing: 'Patient.birthDate' });
  });
});
