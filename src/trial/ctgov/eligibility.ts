import type { Group, GroupCharacteristic, Quantity } from '@medplum/fhirtypes';
import { SNOMED, UCUM } from './codes';
import { thresholdCharacteristics } from './eligibility-thresholds';
import { CtgovRecordError, type Node, optNumber, optObject, optString, unescapeMarkdown } from './record-reader';

const AGE_CODE = { coding: [{ system: SNOMED, code: '424144002', display: 'Current chronological age' }], text: 'Age' };
const SEX_CODE = { coding: [{ system: SNOMED, code: '263495000', display: 'Gender' }], text: 'Sex' };
const GENDER_SYSTEM = 'http://hl7.org/fhir/administrative-gender';

/** v2 age units -> UCUM. */
const AGE_UNITS: Readonly<Record<string, [string, string]>> = {
  year: ['a', 'years'],
  month: ['mo', 'months'],
  week: ['wk', 'weeks'],
  day: ['d', 'days'],
  hour: ['h', 'hours'],
  minute: ['min', 'minutes'],
};

/** "18 Years" -> 18 a. */
export function ageQuantity(text: string, field: string): Quantity {
  const match = /^\s*(\d+(?:\.\d+)?)\s+([A-Za-z]+?)s?\s*$/.exec(text);
  const unit = match && AGE_UNITS[match[2].toLowerCase()];
  if (!match || !unit) throw new CtgovRecordError(field, `is not an age like "18 Years": "${text}"`);
  return { value: Number(match[1]), unit: unit[1], system: UCUM, code: unit[0] };
}

function ageCharacteristic(module: Node): GroupCharacteristic | undefined {
  const min = optString(module, 'minimumAge');
  const max = optString(module, 'maximumAge');
  if (!min && !max) return undefined;
  const valueRange = {
    ...(min ? { low: ageQuantity(min, `${module.path}.minimumAge`) } : {}),
    ...(max ? { high: ageQuantity(max, `${module.path}.maximumAge`) } : {}),
  };
  return { code: AGE_CODE, valueRange, exclude: false };
}

/** ALL restricts nothing, so it needs no characteristic (a Group's characteristics must all hold). */
function sexCharacteristic(module: Node): GroupCharacteristic | undefined {
  const sex = optString(module, 'sex');
  if (!sex || sex === 'ALL') return undefined;
  if (sex !== 'FEMALE' && sex !== 'MALE') throw new CtgovRecordError(`${module.path}.sex`, `is not ALL, FEMALE or MALE: "${sex}"`);
  const code = sex.toLowerCase();
  return { code: SEX_CODE, valueCodeableConcept: { coding: [{ system: GENDER_SYSTEM, code }] }, exclude: false };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The criteria text, verbatim but unescaped, as the Group's narrative: R4 has no element for it. */
function criteriaNarrative(criteria: string): Group['text'] {
  const div = `<div xmlns="http://www.w3.org/1999/xhtml"><pre>${escapeXml(unescapeMarkdown(criteria))}</pre></div>`;
  return { status: 'additional', div };
}

/**
 * The enrollment Group: the planned participants (type person, not an actual list), the target size,
 * age range, sex and the simple numeric thresholds of the criteria as characteristics, and the
 * eligibility criteria kept as text.
 */
export function enrollmentGroup(nctId: string, design: Node | undefined, eligibility: Node | undefined): Group {
  const enrollment = design && optObject(design, 'enrollmentInfo');
  const count = enrollment && optNumber(enrollment, 'count');
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new CtgovRecordError(`${enrollment?.path}.count`, 'is not a whole number');
  }
  const criteria = eligibility && optString(eligibility, 'eligibilityCriteria');
  const characteristic = [
    ...(eligibility ? [ageCharacteristic(eligibility), sexCharacteristic(eligibility)] : []).filter(
      (c): c is GroupCharacteristic => c !== undefined,
    ),
    ...(criteria ? thresholdCharacteristics(criteria) : []),
  ];
  return {
    resourceType: 'Group',
    ...(criteria ? { text: criteriaNarrative(criteria) } : {}),
    type: 'person',
    actual: false,
    name: `${nctId} enrollment`,
    ...(count !== undefined ? { quantity: count } : {}),
    ...(characteristic.length > 0 ? { characteristic } : {}),
  };
}
