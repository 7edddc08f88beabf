import type { Group } from '@medplum/fhirtypes';
import { type ConditionOutcome, evaluateCondition, type PatientData, type Result } from './conditions';
import { type Alternative, type Criterion, readCriteria } from './criteria';

export interface AlternativeOutcome {
  alternative: Alternative;
  result: Result;
  conditions: ConditionOutcome[];
}

/**
 * A criterion's result: `met` when the patient has what it describes (for an exclusion: the
 * excluding condition), `not-met` when the data show they have not, `unknown` when data are missing.
 */
export interface CriterionOutcome {
  criterion: Criterion;
  result: Result;
  alternatives: AlternativeOutcome[];
}

export type Verdict = 'eligible' | 'ineligible' | 'incomplete';

export interface EligibilityOutcome {
  criteria: CriterionOutcome[];
  verdict: Verdict;
}

/** All of them (three-valued): not-met if any is, met if all are, else unknown. */
export function allOf(results: readonly Result[]): Result {
  if (results.includes('not-met')) return 'not-met';
  return results.every((r) => r === 'met') ? 'met' : 'unknown';
}

/** Any of them (three-valued): met if any is, not-met if all are, else unknown. */
export function anyOf(results: readonly Result[]): Result {
  if (results.includes('met')) return 'met';
  return results.every((r) => r === 'not-met') ? 'not-met' : 'unknown';
}

function evaluateCriterion(criterion: Criterion, data: PatientData): CriterionOutcome {
  const alternatives = criterion.alternatives.map((alternative) => {
    const conditions = alternative.conditions.map((c) => evaluateCondition(c, data));
    return { alternative, conditions, result: allOf(conditions.map((c) => c.result)) };
  });
  return { criterion, alternatives, result: anyOf(alternatives.map((a) => a.result)) };
}

/** Whether the criterion's result keeps the patient in: an inclusion met, an exclusion not met. */
const passes = (o: CriterionOutcome): Result =>
  o.result === 'unknown' ? 'unknown' : (o.result === 'met') !== o.criterion.exclude ? 'met' : 'not-met';

/**
 * Every criterion of the enrollment Group evaluated against the patient's data, and the verdict:
 * ineligible when a criterion shuts the patient out, eligible when every one lets them in, else
 * incomplete (some data missing or a criterion not computable).
 */
export function evaluateEligibility(group: Group, data: PatientData): EligibilityOutcome {
  const criteria = readCriteria(group).map((c) => evaluateCriterion(c, data));
  const overall = allOf(criteria.map(passes));
  const verdict: Verdict = overall === 'met' ? 'eligible' : overall === 'not-met' ? 'ineligible' : 'incomplete';
  return { criteria, verdict };
}
