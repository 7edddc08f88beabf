import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { ConditionOutcome } from './conditions';
import { conditionText } from './criteria';
import type { AlternativeOutcome, CriterionOutcome, EligibilityOutcome } from './evaluate';

/** The parts that say what was found for one condition (the shape: profiles/operations/eligibility.json). */
function findingParts(o: ConditionOutcome): ParametersParameter[] {
  return [
    ...(o.missing !== undefined ? [{ name: 'missing', valueString: o.missing }] : []),
    ...(o.evidence ? [{ name: 'evidence', valueReference: o.evidence }] : []),
    ...(typeof o.value === 'string' ? [{ name: 'value', valueCode: o.value }] : o.value ? [{ name: 'value', valueQuantity: o.value }] : []),
    ...(o.compared ? [{ name: 'compared', valueQuantity: o.compared }] : []),
  ];
}

function conditionPart(o: ConditionOutcome, alternative: AlternativeOutcome): ParametersParameter {
  return {
    name: 'condition',
    part: [
      { name: 'alternative', valueString: alternative.alternative.label ?? '' },
      { name: 'text', valueString: conditionText(o.condition.characteristic) },
      { name: 'result', valueCode: o.result },
      ...findingParts(o),
    ],
  };
}

/** A plain criterion carries its one finding itself; one with alternatives, a `condition` part per condition. */
function criterionPart(o: CriterionOutcome): ParametersParameter {
  const plain = o.criterion.group === undefined;
  const head: ParametersParameter[] = [
    { name: 'text', valueString: o.criterion.text },
    { name: 'type', valueCode: o.criterion.exclude ? 'exclusion' : 'inclusion' },
    ...(plain ? [{ name: 'characteristic', valueString: conditionText(o.alternatives[0].conditions[0].condition.characteristic) }] : []),
    { name: 'result', valueCode: o.result },
  ];
  if (plain) return { name: 'criterion', part: [...head, ...findingParts(o.alternatives[0].conditions[0])] };
  const missing = o.result === 'unknown'
    ? o.alternatives.filter((a) => a.result === 'unknown').flatMap((a) => a.conditions.filter((c) => c.result === 'unknown').map((c) => `${a.alternative.label}: ${c.missing}`))
    : [];
  return {
    name: 'criterion',
    part: [...head, ...missing.map((m) => ({ name: 'missing', valueString: m })), ...o.alternatives.flatMap((a) => a.conditions.map((c) => conditionPart(c, a)))],
  };
}

/** The answer of $eligibility. */
export function eligibilityParameters(outcome: EligibilityOutcome, study: string, patient: string, date: string): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'study', valueReference: { reference: study } },
      { name: 'patient', valueReference: { reference: patient } },
      { name: 'date', valueDate: date },
      { name: 'verdict', valueCode: outcome.verdict },
      ...outcome.criteria.map(criterionPart),
    ],
  };
}
