import type { OperationOutcomeError } from '../../fhir/outcomes';
import { reasonOf } from '../metrics';
import { UNKNOWN_PATIENT } from '../intake/patient-match';
import type { AckError, ErrorCode } from './ack';
import type { Hl7Location, Hl7StructureError } from './oru-message';

/**
 * Why one OBX was not stored, as the sender reads it in its ERR segment and as the metrics count it.
 * The intake's refusal reasons (src/fhir/intake.ts) locate where the sender must look: the patient
 * (PID-3: unknown, or no participant), the code (OBX-3: outside the study's panel, or not mapped); a
 * validation failure is located by the element it names.
 */
export interface ResultRefusal {
  sequence: number;
  /** The metrics' reason: an intake-refusal code, `unmapped-code`, or the failure's issue code (invalid...). */
  reason: string;
  error: AckError;
}

/** A local code with no mapping to the study's code systems. */
export const UNMAPPED_CODE = 'unmapped-code';

const PATIENT: Hl7Location = { segment: 'PID', sequence: 1, field: 3 };
const obx = (sequence: number, field?: number): Hl7Location => ({ segment: 'OBX', sequence, ...(field === undefined ? {} : { field }) });

/** Where each refusal reason points the sender, with its HL7 table 0357 code. */
const BY_REASON: Readonly<Record<string, (sequence: number) => { location: Hl7Location; code: ErrorCode }>> = {
  [UNKNOWN_PATIENT]: () => ({ location: PATIENT, code: '204' }),
  'not-a-participant': () => ({ location: PATIENT, code: '204' }),
  'outside-panel': (sequence) => ({ location: obx(sequence, 3), code: '103' }),
  [UNMAPPED_CODE]: (sequence) => ({ location: obx(sequence, 3), code: '103' }),
};

/** Observation elements (FHIRPath of a validation issue) and the OBX field (or PID-3) they were read from. */
const ELEMENT_FIELDS: readonly [RegExp, (sequence: number) => Hl7Location][] = [
  [/^Observation\.value\w*(\.\w+)*\.(code|unit|system)$/, (s) => obx(s, 6)],
  [/^Observation\.value/, (s) => obx(s, 5)],
  [/^Observation\.referenceRange/, (s) => obx(s, 7)],
  [/^Observation\.interpretation/, (s) => obx(s, 8)],
  [/^Observation\.status/, (s) => obx(s, 11)],
  [/^Observation\.effective/, (s) => obx(s, 14)],
  [/^Observation\.code/, (s) => obx(s, 3)],
  [/^Observation\.subject/, () => PATIENT],
];

export function refusal(sequence: number, reason: string, message: string): ResultRefusal {
  const where = BY_REASON[reason]?.(sequence) ?? { location: obx(sequence), code: '207' as const };
  return { sequence, reason, error: { ...where, message: `OBX ${sequence}: ${message}` } };
}

/** An OBX that could not be read (its value, status or time): the sender's error, where it is. */
export function structureRefusal(error: Hl7StructureError): ResultRefusal {
  return { sequence: error.location.sequence, reason: 'invalid', error: { location: error.location, code: error.code, message: error.message } };
}

/** A result the FHIR layer refused (the intake's rules, validation, access). */
export function outcomeRefusal(sequence: number, error: OperationOutcomeError): ResultRefusal {
  const reason = reasonOf(error.outcome);
  const issue = error.outcome.issue?.find((i) => i.severity === 'error' || i.severity === 'fatal') ?? error.outcome.issue?.[0];
  const message = issue?.diagnostics ?? issue?.details?.text ?? error.message;
  if (BY_REASON[reason]) return refusal(sequence, reason, message);
  const expression = issue?.expression?.[0] ?? '';
  const located = ELEMENT_FIELDS.find(([pattern]) => pattern.test(expression))?.[1](sequence) ?? obx(sequence);
  const code: ErrorCode = error.category === 'invalid' ? '102' : '207';
  return { sequence, reason, error: { location: located, code, message: `OBX ${sequence}: ${message}` } };
}
