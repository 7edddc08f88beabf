/**
 * UCUM conversion for comparing an Observation with a criterion (DOMAIN.md: labs arrive in other units
 * than the criterion's). Only what UCUM defines: a unit with an {annotation} (`{score}`,
 * `mL/min/{1.73_m2}`) compares only with itself, since UCUM ignores the annotation and would turn an
 * eGFR into a clearance.
 */
interface UcumConverter {
  convertUnitTo(from: string, value: number, to: string): { status: string; toVal: number | null };
}

// @lhncbc/ucum-lhc ships no type declarations; this is the one function used.
const ucum = (require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumConverter } }).UcumLhcUtils.getInstance();

/** `value` in `from` expressed in `to`, or undefined when UCUM cannot convert between them. */
export function convertUnit(value: number, from: string, to: string): number | undefined {
  if (from === to) return value;
  if (from.includes('{') || to.includes('{')) return undefined;
  const converted = ucum.convertUnitTo(from, value, to);
  if (converted.status !== 'succeeded' || converted.toVal === null) return undefined;
  // Rounded to 12 significant digits: 110 g/L is 11 g/dL, not 10.999999999999998.
  return Number(converted.toVal.toPrecision(12));
}
