import type { Group, GroupCharacteristic } from '@medplum/fhirtypes';

/** The encoding of the criteria: profiles/fsh/input/fsh/eligibility-criteria.fsh and criterion-text.fsh. */
const STROMA_SD = 'https://stroma-fhir.org/fhir/StructureDefinition';
export const CRITERION_TEXT_URL = `${STROMA_SD}/criterion-text`;
export const CRITERION_ANY_OF_URL = `${STROMA_SD}/criterion-any-of`;
export const CRITERION_LOOKBACK_URL = `${STROMA_SD}/criterion-lookback`;
const SNOMED = 'http://snomed.info/sct';
const AGE_CODE = '424144002';
const SEX_CODE = '263495000';

/** What the evaluator can compute a characteristic from; anything else is reported as not computable. */
export type ConditionKind = 'age' | 'sex' | 'observation' | 'not-computable';

/** One characteristic of the Group: a condition the patient has or has not. */
export interface Condition {
  kind: ConditionKind;
  characteristic: GroupCharacteristic;
  /** Where it sits in the Group (for the reader of the answer). */
  index: number;
}

export interface Alternative {
  /** The criterion-any-of alternative; absent for a plain characteristic. */
  label?: string;
  /** All must hold for the alternative to hold. */
  conditions: Condition[];
}

/**
 * One eligibility criterion: for an inclusion the patient must have it, for an exclusion must not.
 * A plain characteristic is a criterion of one alternative of one condition.
 */
export interface Criterion {
  text: string;
  exclude: boolean;
  /** The criterion-any-of group, for a criterion with alternatives. */
  group?: string;
  alternatives: Alternative[];
}

const hasCoding = (c: GroupCharacteristic, code: string): boolean =>
  c.code?.coding?.some((coding) => coding.system === SNOMED && coding.code === code) === true;

export function conditionKind(c: GroupCharacteristic): ConditionKind {
  if (hasCoding(c, AGE_CODE) && c.valueRange) return 'age';
  if (hasCoding(c, SEX_CODE) && c.valueCodeableConcept) return 'sex';
  if ((c.code?.coding?.length ?? 0) > 0 && c.valueQuantity?.value !== undefined) return 'observation';
  return 'not-computable';
}

function extensionString(c: GroupCharacteristic, url: string, sub?: string): string | undefined {
  const extension = c.extension?.find((e) => e.url === url);
  return sub === undefined ? extension?.valueString : extension?.extension?.find((e) => e.url === sub)?.valueString;
}

function rangeText(c: GroupCharacteristic): string {
  const { low, high } = c.valueRange ?? {};
  const unit = high?.unit ?? low?.unit ?? '';
  if (low && high) return `${low.value} to ${high.value} ${unit}`;
  return low ? `>= ${low.value} ${low.unit ?? ''}` : `<= ${high?.value} ${unit}`;
}

/** What the characteristic says, in words: its criterion text, else built from its code and value. */
export function conditionText(c: GroupCharacteristic): string {
  const name = c.code?.text ?? c.code?.coding?.[0]?.display ?? c.code?.coding?.[0]?.code ?? 'characteristic';
  if (c.valueRange) return `${name} ${rangeText(c)}`.trim();
  if (c.valueCodeableConcept) return `${name} ${c.valueCodeableConcept.coding?.[0]?.code ?? c.valueCodeableConcept.text ?? ''}`.trim();
  if (c.valueQuantity) {
    const q = c.valueQuantity;
    return `${name} ${q.comparator ?? '='} ${q.value} ${q.code ?? q.unit ?? ''}`.trim();
  }
  return name;
}

/**
 * The Group's characteristics as criteria, in the Group's order: each plain characteristic is one,
 * and the characteristics of one criterion-any-of group are one (placed where its first one is).
 */
export function readCriteria(group: Group): Criterion[] {
  const criteria: Criterion[] = [];
  const byGroup = new Map<string, Criterion>();
  (group.characteristic ?? []).forEach((characteristic, index) => {
    const condition: Condition = { kind: conditionKind(characteristic), characteristic, index };
    const text = extensionString(characteristic, CRITERION_TEXT_URL) ?? conditionText(characteristic);
    const groupName = extensionString(characteristic, CRITERION_ANY_OF_URL, 'group');
    if (groupName === undefined) {
      criteria.push({ text, exclude: characteristic.exclude, alternatives: [{ conditions: [condition] }] });
      return;
    }
    const label = extensionString(characteristic, CRITERION_ANY_OF_URL, 'alternative') ?? '';
    let criterion = byGroup.get(groupName);
    if (!criterion) {
      criterion = { text, exclude: characteristic.exclude, group: groupName, alternatives: [] };
      byGroup.set(groupName, criterion);
      criteria.push(criterion);
    }
    let alternative = criterion.alternatives.find((a) => a.label === label);
    if (!alternative) {
      alternative = { label, conditions: [] };
      criterion.alternatives.push(alternative);
    }
    alternative.conditions.push(condition);
  });
  return criteria;
}
