import type { GroupCharacteristic, Quantity } from '@medplum/fhirtypes';
import { STROMA_SD, UCUM } from './codes';
import { MEASUREMENTS, type Measurement } from './eligibility-measurements';
import { unescapeMarkdown } from './record-reader';

export const CRITERION_TEXT_URL = `${STROMA_SD}/criterion-text`;

type Comparator = NonNullable<Quantity['comparator']>;

/** Comparator phrases, longest first so "less than or equal to" is not read as "less than". */
const COMPARATORS: ReadonlyArray<[string, Comparator]> = [
  ['less than or equal to', '<='],
  ['greater than or equal to', '>='],
  ['no more than', '<='],
  ['not more than', '<='],
  ['at most', '<='],
  ['at least', '>='],
  ['less than', '<'],
  ['lower than', '<'],
  ['below', '<'],
  ['greater than', '>'],
  ['higher than', '>'],
  ['more than', '>'],
  ['above', '>'],
  ['exceeding', '>'],
  ['<=', '<='],
  ['=<', '<='],
  ['≤', '<='],
  ['⩽', '<='],
  ['>=', '>='],
  ['=>', '>='],
  ['≥', '>='],
  ['⩾', '>='],
  ['<', '<'],
  ['>', '>'],
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const COMPARATOR_SOURCE = COMPARATORS.map(([phrase]) => escapeRegExp(phrase).replace(/ /g, '\\s+')).join('|');
/** A comparator and a number ("100,000" has a thousands separator; "0.5" a decimal point). */
const COMPARISON = new RegExp(`(${COMPARATOR_SOURCE})\\s*(\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d+(?:\\.\\d+)?)`, 'gi');

/** What may stand between a measurement's name and its comparator: "DLCO (corrected for hemoglobin) <", "clearance of <". */
const NAME_TO_COMPARATOR = String.raw`(?:\s*\([^()]*\))*(?:\s*:)?(?:\s+(?:of|is|level|levels|value|values|count))*\s*`;
const NAME_BEFORE = MEASUREMENTS.map((m) => new RegExp(`(?:^|[^A-Za-z0-9])(?:${m.names})${NAME_TO_COMPARATOR}$`, 'i'));

/**
 * Words that make a threshold conditional or relative, so that it stays text only: a normal limit
 * ("ALT > 3 x normal", "ULN"), a time window ("within 2 years"), a condition of measurement
 * ("without oxygen therapy"), a range, a change, or another criterion ("plus", "unless", "if").
 */
const CONDITIONAL =
  /\b(?:within|without|unless|except|if|when|between|plus|normal|ULN|LLN|upper\s+limit|lower\s+limit|times|fold|increase|decrease|decline|change|since|prior\s+to|previous(?:ly)?)\b/i;
/** "and" that is not "and/or". */
const BARE_AND = /\band\b(?!\s*\/\s*or\b)/i;
const OR = /\bor\b/i;

type Section = 'inclusion' | 'exclusion';

interface CriterionLine {
  section: Section;
  text: string;
}

interface Threshold {
  measurement: Measurement;
  comparator: Comparator;
  value: number;
}

/** The lines of each section of v2 markdown ("Inclusion Criteria:", "Exclusion Criteria:"); lines before either are skipped. */
export function criterionLines(criteriaText: string): CriterionLine[] {
  const lines: CriterionLine[] = [];
  let section: Section | undefined;
  for (const raw of unescapeMarkdown(criteriaText).split(/\r?\n/)) {
    const text = raw.trim();
    const heading = /^(inclusion|exclusion)\s+criteria\s*:?$/i.exec(text);
    if (heading) section = heading[1].toLowerCase() as Section;
    else if (section && text) lines.push({ section, text });
  }
  return lines;
}

function comparatorOf(phrase: string): Comparator {
  const normalized = phrase.toLowerCase().replace(/\s+/g, ' ');
  return (COMPARATORS.find(([p]) => p === normalized) as [string, Comparator])[1];
}

/** The measurement whose name ends right before the comparator, or undefined ("Age > 18", "mean PAP > 25"). */
function measurementBefore(textBefore: string): Measurement | undefined {
  const index = NAME_BEFORE.findIndex((pattern) => pattern.test(textBefore));
  return index < 0 ? undefined : MEASUREMENTS[index];
}

/** UCUM conversion of the few units the table accepts besides its own; both sides free of {annotations}. */
const ucum = (require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumConverter } }).UcumLhcUtils.getInstance();
interface UcumConverter {
  convertUnitTo(from: string, value: number, to: string): { status: string; toVal: number | null };
}

/** The value in the measurement's unit, or undefined when the stated unit is missing, unknown or not convertible. */
function valueInTableUnit(measurement: Measurement, value: number, textAfter: string): number | undefined {
  const stated = measurement.units.find((u) => u.pattern.test(textAfter));
  if (!stated) return measurement.unitless ? value : undefined;
  if (stated.ucum === measurement.unit) return value;
  if (stated.ucum.includes('{') || measurement.unit.includes('{')) return undefined;
  const converted = ucum.convertUnitTo(stated.ucum, value, measurement.unit);
  // Rounded to 12 significant digits: 100000 /mm3 is 100 10*9/L, not 99.99999999999999.
  return converted.status === 'succeeded' && converted.toVal !== null ? Number(converted.toVal.toPrecision(12)) : undefined;
}

interface Found {
  measurement: Measurement | undefined;
  comparator: Comparator;
  value: number | undefined;
  start: number;
  end: number;
}

function comparisonsIn(text: string): Found[] {
  return [...text.matchAll(COMPARISON)].map((match) => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const measurement = measurementBefore(text.slice(0, start));
    const number = Number(match[2].replace(/,/g, ''));
    return {
      measurement,
      comparator: comparatorOf(match[1]),
      value: measurement && valueInTableUnit(measurement, number, text.slice(end)),
      start,
      end,
    };
  });
}

/**
 * The simple, unconditional thresholds of one line. Every comparison on it must name a known
 * measurement, and no conditional word may appear. An inclusion line holds exactly one and no "or"
 * (members must meet each characteristic, so an alternative cannot be one). An exclusion line may
 * list several ("FVC < 45% and/or DLCO < 30%", "neutropenia < 0.5, thrombocytopenia < 30"): any one
 * excludes, so each is its own excluding characteristic; a bare "and" (both needed) rules that out.
 */
export function lineThresholds(line: CriterionLine): Threshold[] {
  const found = comparisonsIn(line.text);
  if (found.length === 0 || CONDITIONAL.test(line.text)) return [];
  if (found.some((f) => f.measurement === undefined)) return [];
  if (line.section === 'inclusion' && (found.length > 1 || OR.test(line.text))) return [];
  if (line.section === 'exclusion' && BARE_AND.test(line.text)) return [];
  // A comparison whose unit is not the table's (nor convertible to it) is left out, the others kept.
  return found.flatMap((f) =>
    f.measurement && f.value !== undefined ? [{ measurement: f.measurement, comparator: f.comparator, value: f.value }] : [],
  );
}

function characteristic(threshold: Threshold, line: CriterionLine): GroupCharacteristic {
  const { measurement, comparator, value } = threshold;
  return {
    extension: [{ url: CRITERION_TEXT_URL, valueString: line.text }],
    code: { coding: [{ system: measurement.system, code: measurement.code }], text: measurement.name },
    valueQuantity: { comparator, value, unit: measurement.unit, system: UCUM, code: measurement.unit },
    exclude: line.section === 'exclusion',
  };
}

/**
 * The numeric lab and score thresholds of a v2 eligibilityCriteria text as Group characteristics,
 * in the order of the text: inclusion ones (members have the value) and exclusion ones (members do
 * not). Compound, conditional and relative criteria are not computed: they stay in the text only.
 */
export function thresholdCharacteristics(criteriaText: string): GroupCharacteristic[] {
  return criterionLines(criteriaText).flatMap((line) => lineThresholds(line).map((t) => characteristic(t, line)));
}
