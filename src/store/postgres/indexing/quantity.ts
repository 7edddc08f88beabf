import type { TypedValue } from '@medplum/core';
import { InvalidSearchError, type Prefix } from '../../repository';
import type { SqlParams } from '../sql-params';
import type { IndexType } from './index-type';
import { numericMatch, numericText, rangeMatch, searchNumber, type RangeColumns } from './numeric';
import { canonicalUnit, UCUM_SYSTEM, type CanonicalUnit } from './ucum';

interface QuantityValue {
  value?: number;
  comparator?: '<' | '<=' | '>=' | '>';
  system?: string;
  code?: string;
  unit?: string;
  currency?: string;
}

const CURRENCY_SYSTEM = 'urn:iso:std:iso:4217';

/**
 * The unit and range a search compares, canonical where the row has a canonical form: the
 * expressions of the idx_quantity_compare index (migration 003), so that a search by unit uses it.
 * A row has a canonical form exactly when its system is UCUM and its code converts (ucum.ts).
 */
const COMPARED_UNIT = 'COALESCE(i.canonical_unit, i.code)';
const COMPARED: RangeColumns = { low: 'COALESCE(i.canonical_low, i.low)', high: 'COALESCE(i.canonical_high, i.high)' };

/**
 * Quantity: `[prefix]number|system|code`; with no system the code may also match the human unit,
 * as the R4 search page allows. Ranges index as their two ends, a comparator ("<5") as an open
 * range, Money as an ISO 4217 currency code. A UCUM quantity is also stored in base units, and a
 * search in a UCUM unit compares in base units, so 13.5 g/dL finds 135 g/L.
 */
export const quantityIndex: IndexType = {
  table: 'idx_quantity',
  columns: ['system', 'code', 'unit', 'low', 'high', 'canonical_unit', 'canonical_low', 'canonical_high'],
  columnTypes: { low: 'numeric', high: 'numeric', canonical_low: 'numeric', canonical_high: 'numeric' },
  unindexedTypes: ['sampleddata'],
  sortKey: { asc: 'min(i.low)', desc: 'max(i.high)', type: 'numeric' },
  tabulated: 'COALESCE(i.canonical_low, i.low, i.canonical_high, i.high)::float8',
  extract(values) {
    return values.flatMap(rowOf);
  },
  match(_filter, { prefix, value }, params) {
    const [number, system, code, ...rest] = splitBars(value);
    if (rest.length > 0 || number === '') {
      throw new InvalidSearchError(`"${value}" is not a quantity (number|system|code)`);
    }
    const canonical = code && (!system || system === UCUM_SYSTEM) ? canonicalUnit(code) : undefined;
    const inBaseUnits = canonical && canonicalMatch(prefix, number, canonical, params);
    if (inBaseUnits) {
      // With no system, R4 lets the code match the unit text too, so rows without UCUM stay in.
      return system ? inBaseUnits : `(${inBaseUnits} OR (${codeOrUnit(code, params)} AND ${numericMatch(prefix, number, params)}))`;
    }
    if (system && code) {
      // Only rows without a canonical form can have this system and code, so the compared unit and
      // range are the stored ones: written as the index's expressions, the index applies.
      const c = params.add(code);
      return `(${COMPARED_UNIT} = ${c} AND i.code = ${c} AND i.system = ${params.add(system)} AND ${numericMatch(prefix, number, params, COMPARED)})`;
    }
    const conditions = [numericMatch(prefix, number, params)];
    if (system) {
      conditions.push(`i.system = ${params.add(system)}`);
    }
    if (code) {
      conditions.push(codeOrUnit(code, params));
    }
    return `(${conditions.join(' AND ')})`;
  },
};

/**
 * The search number's precision range, converted to base units: 13.5 g/dL is [13.45, 13.55) g/dL,
 * so [134500, 135500) g.m-3, and any UCUM quantity whose base-unit value falls there matches.
 */
function canonicalMatch(prefix: Prefix | undefined, text: string, canonical: CanonicalUnit, params: SqlParams): string | undefined {
  const { value, half } = searchNumber(text);
  const v = Number(value);
  const h = Number(half);
  const [centre, low, high] = [v, v - h, v + h].map((n) => canonical.convert(n));
  if (![centre, low, high].every(Number.isFinite)) {
    return undefined;
  }
  const converted = { value: String(centre), half: String((high - low) / 2) };
  const unit = params.add(canonical.unit);
  return `(${COMPARED_UNIT} = ${unit} AND i.canonical_unit = ${unit} AND ${rangeMatch(prefix, converted, params, COMPARED)})`;
}

function codeOrUnit(code: string, params: SqlParams): string {
  const p = params.add(code);
  return `(i.code = ${p} OR i.unit = ${p})`;
}

/** Splits on "|" not escaped with a backslash. */
function splitBars(value: string): string[] {
  return value.split(/(?<!\\)\|/).map((part) => part.replace(/\\\|/g, '|'));
}

function rowOf({ type, value }: TypedValue): unknown[][] {
  if (type === 'Range') {
    const range = value as { low?: QuantityValue; high?: QuantityValue };
    const unitOf = range.low ?? range.high ?? {};
    const low = numericText(range.low?.value);
    const high = numericText(range.high?.value);
    if (low === null && high === null) return [];
    return [[unitOf.system ?? null, unitOf.code ?? null, unitOf.unit ?? null, low, high, ...canonicalRange(range.low, range.high)]];
  }
  if (type === 'SampledData') {
    return [];
  }
  const q = value as QuantityValue;
  const n = numericText(q.value);
  if (n === null) {
    return [];
  }
  if (q.currency) {
    return [[CURRENCY_SYSTEM, q.currency, null, n, n, null, null, null]];
  }
  const [low, high] = q.comparator?.startsWith('<') ? [null, n] : q.comparator?.startsWith('>') ? [n, null] : [n, n];
  const ends = canonicalRange(low === null ? undefined : q, high === null ? undefined : q);
  return [[q.system ?? null, q.code ?? null, q.unit ?? null, low, high, ...ends]];
}

/** [canonical unit, low, high] in base units, or NULLs when an end is not UCUM or the ends disagree in dimension. */
function canonicalRange(low: QuantityValue | undefined, high: QuantityValue | undefined): unknown[] {
  const ends = [low, high].map((end) => {
    if (typeof end?.value !== 'number' || end.system !== UCUM_SYSTEM || !end.code) return undefined;
    const unit = canonicalUnit(end.code);
    const converted = unit?.convert(end.value);
    return unit && Number.isFinite(converted) ? { unit: unit.unit, value: converted as number } : undefined;
  });
  const [from, to] = ends;
  const present = ends.filter((e) => e !== undefined);
  const expected = [low, high].filter((e) => typeof e?.value === 'number').length;
  if (present.length === 0 || present.length !== expected || (from && to && from.unit !== to.unit)) {
    return [null, null, null];
  }
  return [present[0].unit, from ? String(from.value) : null, to ? String(to.value) : null];
}
