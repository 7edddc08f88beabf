import type { GroupCharacteristic, Observation, Patient, Quantity, Reference } from '@medplum/fhirtypes';
import { type Condition, conditionText } from './criteria';
import { observationWindow } from './lookback';
import { latestObservation, ucumOf } from './observations';
import { convertUnit } from './units';

export type Result = 'met' | 'not-met' | 'unknown';

/** What the patient's data say about one condition. */
export interface ConditionOutcome {
  condition: Condition;
  result: Result;
  /** For unknown: what is missing or cannot be computed. */
  missing?: string;
  /** The resource the value was read from. */
  evidence?: Reference;
  /** The value as recorded (an Observation's quantity, the age, the sex). */
  value?: Quantity | string;
  /** The value in the criterion's unit, when that is what was compared. */
  compared?: Quantity;
}

export interface PatientData {
  patient: Patient;
  observations: readonly Observation[];
  /** The evaluation date, YYYY-MM-DD. */
  date: string;
}

/** "Times the upper limit of normal": the Observation's value over its referenceRange.high. */
export const ULN_UNIT = '{ULN}';
const UCUM = 'http://unitsofmeasure.org';

const holds = (value: number, comparator: Quantity['comparator'], threshold: number): boolean =>
  comparator === '<' ? value < threshold
    : comparator === '<=' ? value <= threshold
      : comparator === '>' ? value > threshold
        : comparator === '>=' ? value >= threshold
          : value === threshold;

const unknown = (condition: Condition, missing: string, rest: Partial<ConditionOutcome> = {}): ConditionOutcome => ({ condition, result: 'unknown', missing, ...rest });
const patientRef = (p: Patient): Reference => ({ reference: `Patient/${p.id}` });

/** Completed units of age between birth and `date` (both YYYY-MM-DD). */
export function ageIn(unit: string, birthDate: string, date: string): number | undefined {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  const months = (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
  const days = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${birthDate}T00:00:00Z`)) / 86_400_000);
  if (unit === 'a') return Math.floor(months / 12);
  if (unit === 'mo') return months;
  if (unit === 'wk') return Math.floor(days / 7);
  if (unit === 'd') return days;
  return undefined;
}

function ageCondition(condition: Condition, data: PatientData): ConditionOutcome {
  const { low, high } = condition.characteristic.valueRange ?? {};
  const birthDate = data.patient.birthDate;
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    return unknown(condition, birthDate ? `Patient.birthDate is not a full date (${birthDate})` : 'Patient.birthDate', { evidence: patientRef(data.patient) });
  }
  const unit = low?.code ?? high?.code ?? 'a';
  const age = ageIn(unit, birthDate, data.date);
  if (age === undefined) return unknown(condition, `the age unit ${unit} is not a, mo, wk or d`);
  const inRange = (low?.value === undefined || age >= low.value) && (high?.value === undefined || age <= high.value);
  const value: Quantity = { value: age, unit: low?.unit ?? high?.unit ?? unit, system: UCUM, code: unit };
  return { condition, result: inRange ? 'met' : 'not-met', evidence: patientRef(data.patient), value };
}

function sexCondition(condition: Condition, data: PatientData): ConditionOutcome {
  const gender = data.patient.gender;
  if (!gender || gender === 'unknown') return unknown(condition, 'Patient.gender', { evidence: patientRef(data.patient) });
  const wanted = (condition.characteristic.valueCodeableConcept?.coding ?? []).map((c) => c.code);
  return { condition, result: wanted.includes(gender) ? 'met' : 'not-met', evidence: patientRef(data.patient), value: gender };
}

/** The Observation's value in the criterion's unit, or why it cannot be had. */
function comparedValue(o: Observation, criterionUnit: string): number | string {
  const q = o.valueQuantity as Quantity;
  const unit = ucumOf(q) ?? '';
  if (criterionUnit !== ULN_UNIT) {
    const converted = convertUnit(q.value as number, unit, criterionUnit);
    return converted ?? `a value in ${criterionUnit} (Observation/${o.id} is in ${unit || 'no unit'}, which UCUM does not convert to it)`;
  }
  const high = o.referenceRange?.find((r) => r.high?.value !== undefined)?.high;
  if (!high) return `the upper limit of normal (Observation/${o.id} has no referenceRange.high)`;
  const limit = convertUnit(high.value as number, ucumOf(high) ?? unit, unit);
  if (limit === undefined || limit <= 0) return `an upper limit of normal in ${unit} (Observation/${o.id}'s referenceRange.high is in ${ucumOf(high)})`;
  return Number(((q.value as number) / limit).toPrecision(12));
}

function observationCondition(condition: Condition, data: PatientData): ConditionOutcome {
  const c: GroupCharacteristic = condition.characteristic;
  const window = observationWindow(c, data.date);
  if (typeof window === 'string') return unknown(condition, window);
  const threshold = c.valueQuantity as Quantity;
  const found = latestObservation(data.observations, c, window);
  const name = c.code?.text ?? conditionText(c);
  if (!found) return unknown(condition, `an Observation of ${name} with a value, made from ${window.from} to ${window.to}`);
  const criterionUnit = ucumOf(threshold) ?? '';
  const compared = comparedValue(found, criterionUnit);
  const evidence = { reference: `Observation/${found.id}` };
  if (typeof compared === 'string') return unknown(condition, compared, { evidence, value: found.valueQuantity });
  return {
    condition,
    result: holds(compared, threshold.comparator, threshold.value as number) ? 'met' : 'not-met',
    evidence,
    value: found.valueQuantity,
    compared: { value: compared, unit: threshold.unit ?? criterionUnit, system: UCUM, code: criterionUnit },
  };
}

/** Whether the patient has the condition, from the data, or unknown with what is missing. */
export function evaluateCondition(condition: Condition, data: PatientData): ConditionOutcome {
  switch (condition.kind) {
    case 'age':
      return ageCondition(condition, data);
    case 'sex':
      return sexCondition(condition, data);
    case 'observation':
      return observationCondition(condition, data);
    default:
      return unknown(condition, `not computable: no resource the server reads holds "${conditionText(condition.characteristic)}"`);
  }
}
