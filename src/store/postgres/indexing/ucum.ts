export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

interface BaseUnitsResult {
  status: 'succeeded' | 'invalid' | 'failed' | 'error';
  magnitude?: number;
  fromUnitIsSpecial?: boolean;
  unitToExp?: Record<string, number>;
}

interface UcumUtils {
  convertToBaseUnits(fromUnit: string, fromVal: number): BaseUnitsResult;
}

// @lhncbc/ucum-lhc ships no type declarations; this is the one function used.
const ucum = (require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }).UcumLhcUtils.getInstance();

/** A UCUM unit expressed in base units: its base-unit string, and how a value converts into it. */
export interface CanonicalUnit {
  /** Base units with their exponents, in a fixed order: `g.m-3` for g/dL, g/L and mg/mL alike. */
  unit: string;
  convert(value: number): number;
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, CanonicalUnit | null>();

/**
 * The canonical form of a UCUM code, or undefined when quantities in it must keep exact-code
 * matching: codes UCUM does not know, arbitrary units (`[iU]`, whose conversion UCUM leaves
 * undefined) and codes with an annotation (`{cells}`, `mL/min/{1.73_m2}`), which UCUM reads as
 * the unit without it, so that 5 {cells} would equal 5 {score} and eGFR would equal a clearance.
 */
export function canonicalUnit(code: string): CanonicalUnit | undefined {
  let known = cache.get(code);
  if (known === undefined) {
    known = code.includes('{') ? null : lookUp(code);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(code, known);
  }
  return known ?? undefined;
}

function lookUp(code: string): CanonicalUnit | null {
  const one = ucum.convertToBaseUnits(code, 1);
  if (one.status !== 'succeeded' || one.magnitude === undefined || !one.unitToExp) {
    return null;
  }
  const unit =
    Object.entries(one.unitToExp)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([base, exponent]) => (exponent === 1 ? base : `${base}${exponent}`))
      .join('.') || '1';
  if (one.fromUnitIsSpecial) {
    // Cel, [degF]...: an offset or a function, not a factor, so each value is converted on its own.
    return { unit, convert: (value) => roundTo15(ucum.convertToBaseUnits(code, value).magnitude ?? Number.NaN) };
  }
  const factor = one.magnitude;
  return { unit, convert: (value) => roundTo15(value * factor) };
}

/**
 * Binary floating point leaves 10*3/uL at 999999999999.9999 base units; 15 significant digits is
 * all a double holds exactly, and rounding to them gives back the 1e12 of decimal arithmetic.
 */
function roundTo15(value: number): number {
  return Number(value.toPrecision(15));
}
