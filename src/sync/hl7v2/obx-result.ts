import type { CodeableConcept, Observation, ObservationReferenceRange, Quantity } from '@medplum/fhirtypes';
import { component, fieldText } from './hl7-fields';
import { hl7DateTime } from './hl7-time';
import { Hl7StructureError, type ResultSegment } from './oru-message';
import { isKnownSpelling, ucumUnit } from './ucum-units';

const UCUM = 'http://unitsofmeasure.org';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** OBX-3 as sent: the code, its text and the coding system name (LN for LOINC, or the sender's own). */
export interface SentCode {
  code: string;
  display: string;
  codingSystem: string;
}

/** One OBX read into the parts of an Observation, before its code is mapped and its patient matched. */
export interface LabResult {
  sequence: number;
  code: SentCode;
  /** OBX-3's alternate identifier (components 4-6), which senders fill with the LOINC code of a local one. */
  alternateCode?: SentCode;
  /** OBR-3 (filler order number) and OBX-4 (sub-id): with the facility and code, the result's identity. */
  orderNumber: string;
  subId: string;
  value: Pick<Observation, 'valueQuantity' | 'valueRange' | 'valueRatio' | 'valueString' | 'valueCodeableConcept'>;
  referenceRange?: ObservationReferenceRange[];
  interpretation?: CodeableConcept[];
  status: Observation['status'];
  effectiveDateTime: string;
}

/** HL7 table 0085 (OBX-11) as FHIR Observation.status; D and W (deleted, wrong patient) withdraw a result. */
const STATUS: Readonly<Record<string, Observation['status']>> = {
  F: 'final',
  C: 'corrected',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  X: 'cancelled',
  D: 'entered-in-error',
  W: 'entered-in-error',
};

/** HL7 table 0078 (OBX-8) codes that v3 ObservationInterpretation defines alike. */
const FLAGS = new Set(['L', 'H', 'LL', 'HH', 'N', 'A', 'AA', '<', '>', 'S', 'R', 'I', 'U', 'D', 'B', 'W', 'POS', 'NEG', 'IND', 'DET', 'ND']);

const fail = (r: ResultSegment, field: number, message: string, code: '101' | '102' = '102') =>
  new Hl7StructureError(`OBX ${r.sequence}: ${message}`, { segment: 'OBX', sequence: r.sequence, field }, code);

export function readResult(r: ResultSegment, fallbackOffset: string | undefined): LabResult {
  const code = { code: component(r.obx, 3, 1), display: component(r.obx, 3, 2), codingSystem: component(r.obx, 3, 3) };
  if (!code.code) throw fail(r, 3, 'OBX-3 (observation identifier) is missing', '101');
  const status = STATUS[fieldText(r.obx, 11)];
  if (!status) throw fail(r, 11, `OBX-11 result status "${fieldText(r.obx, 11)}" is not one of F, C, P, R, S, X, D, W`, fieldText(r.obx, 11) ? '102' : '101');
  const sentTime = fieldText(r.obx, 14) || fieldText(r.obr, 7);
  if (!sentTime) throw fail(r, 14, 'no observation time: neither OBX-14 nor OBR-7 is given', '101');
  const time = hl7DateTime(sentTime, fallbackOffset);
  if (!time.ok) throw fail(r, fieldText(r.obx, 14) ? 14 : 7, time.reason);
  const flags = fieldText(r.obx, 8).split('~').filter(Boolean);
  const unknownFlag = flags.find((f) => !FLAGS.has(f));
  if (unknownFlag) throw fail(r, 8, `abnormal flag "${unknownFlag}" is not an HL7 table 0078 code`);
  const range = referenceRange(fieldText(r.obx, 7), unitOf(r));
  const alternate = { code: component(r.obx, 3, 4), display: component(r.obx, 3, 5), codingSystem: component(r.obx, 3, 6) };
  return {
    sequence: r.sequence,
    code,
    ...(alternate.code ? { alternateCode: alternate } : {}),
    orderNumber: component(r.obr, 3, 1) || component(r.obr, 2, 1),
    subId: fieldText(r.obx, 4),
    value: status === 'cancelled' || status === 'entered-in-error' ? {} : valueOf(r),
    ...(range ? { referenceRange: [range] } : {}),
    ...(flags.length > 0 ? { interpretation: flags.map((f) => ({ coding: [{ system: INTERPRETATION, code: f }] })) } : {}),
    status,
    effectiveDateTime: time.dateTime,
  };
}

/**
 * OBX-6's unit (its first component). Some senders write `10^9/L` without escaping the caret, which
 * splits it into components `10` and `9/L`: `10` alone is valid UCUM (the number ten), so the unit
 * would be silently wrong. A whole field that is a known spelling is read as that spelling.
 */
function unitOf(r: ResultSegment): string {
  const whole = fieldText(r.obx, 6);
  return whole.includes(r.obx.context.componentSeparator) && isKnownSpelling(whole) ? whole : component(r.obx, 6, 1);
}

function quantity(value: number, unit: string, comparator?: Quantity['comparator']): Quantity {
  const ucum = ucumUnit(unit);
  return { value, ...(comparator ? { comparator } : {}), ...(ucum ? { unit: ucum, system: UCUM, code: ucum } : {}) };
}

const number = (text: string): number | undefined => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim()) ? Number(text) : undefined);

/** OBX-5 by OBX-2: NM a number, SN a structured numeric (<5, 10-20, 1:128), ST/TX/FT text, CE/CWE a code. */
function valueOf(r: ResultSegment): LabResult['value'] {
  const type = fieldText(r.obx, 2);
  const unit = unitOf(r);
  const text = fieldText(r.obx, 5);
  if (!text) throw fail(r, 5, 'OBX-5 (observation value) is empty', '101');
  switch (type) {
    case 'NM': {
      const n = number(text);
      if (n === undefined) throw fail(r, 5, `"${text}" is not a number (OBX-2 is NM)`);
      return { valueQuantity: quantity(n, unit) };
    }
    case 'SN':
      return structuredNumeric(r, unit);
    case 'ST':
    case 'TX':
    case 'FT':
      return { valueString: component(r.obx, 5, 1) };
    case 'CE':
    case 'CWE': {
      const system = component(r.obx, 5, 3);
      return { valueCodeableConcept: { coding: [{ code: component(r.obx, 5, 1), ...(system ? { system: system === 'SCT' ? 'http://snomed.info/sct' : system } : {}) }], text: component(r.obx, 5, 2) || undefined } };
    }
    default:
      throw fail(r, 2, `value type "${type}" is not taken (NM, SN, ST, TX, FT, CE, CWE are)`);
  }
}

function structuredNumeric(r: ResultSegment, unit: string): LabResult['value'] {
  const [comparator, first, separator, second] = [1, 2, 3, 4].map((c) => component(r.obx, 5, c));
  const n1 = number(first);
  const n2 = second ? number(second) : undefined;
  if (n1 === undefined || (second && n2 === undefined)) throw fail(r, 5, `"${fieldText(r.obx, 5)}" is not a structured numeric`);
  if (separator === '-' && n2 !== undefined) return { valueRange: { low: quantity(n1, unit), high: quantity(n2, unit) } };
  if ((separator === ':' || separator === '/') && n2 !== undefined) return { valueRatio: { numerator: { value: n1 }, denominator: { value: n2 } } };
  if (separator) throw fail(r, 5, `separator "${separator}" of a structured numeric is not -, : or /`);
  if (comparator && !['<', '<=', '>', '>=', '='].includes(comparator)) throw fail(r, 5, `comparator "${comparator}" is not <, <=, >, >= or =`);
  return { valueQuantity: quantity(n1, unit, comparator && comparator !== '=' ? (comparator as Quantity['comparator']) : undefined) };
}

/** OBX-7: "3.5-5.0", "<10", ">2" as low and high in OBX-6's unit; anything else as text. */
function referenceRange(text: string, unit: string): ObservationReferenceRange | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const between = /^([+-]?\d*\.?\d+)\s*-\s*([+-]?\d*\.?\d+)$/.exec(t);
  if (between) return { low: quantity(Number(between[1]), unit), high: quantity(Number(between[2]), unit) };
  const bound = /^([<>])=?\s*([+-]?\d*\.?\d+)$/.exec(t);
  if (bound) return bound[1] === '<' ? { high: quantity(Number(bound[2]), unit) } : { low: quantity(Number(bound[2]), unit) };
  return { text: t };
}
