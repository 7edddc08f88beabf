import { InvalidSearchError, type Prefix } from '../../repository';
import type { SqlParams } from '../sql-params';

const NUMBER = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Half the last significant unit of a search number: R4 reads "100" as [99.5, 100.5) and "100.00"
 * as [99.995, 100.005). An exponent moves the unit: "1e2" is [50, 150).
 */
function halfUnit(text: string): string {
  const m = NUMBER.exec(text);
  if (!m) {
    throw new InvalidSearchError(`"${text}" is not a number`);
  }
  const decimals = (m[2]?.length ?? 0) - Number(m[3] ?? 0);
  return `5e${-decimals - 1}`;
}

/** The stored range a number is compared with: [low, high], equal for a plain value, NULL for an open end. */
export interface RangeColumns {
  low: string;
  high: string;
}

const STORED: RangeColumns = { low: 'i.low', high: 'i.high' };

/** A search number as numeric text, and half its last significant unit (its precision range is value ± half). */
interface SearchNumber {
  value: string;
  half: string;
}

/** A search number written as text, with the precision it is written at. */
export function searchNumber(text: string): SearchNumber {
  return { value: text, half: halfUnit(text) };
}

/**
 * SQL comparing the stored range with a search number and its prefix, per the R4 search page;
 * `ap` is within 10 % (HAPI's reading of "approximately"), or the precision range when that is wider.
 */
export function numericMatch(prefix: Prefix | undefined, text: string, params: SqlParams, columns: RangeColumns = STORED): string {
  return rangeMatch(prefix, searchNumber(text), params, columns);
}

export function rangeMatch(prefix: Prefix | undefined, number: SearchNumber, params: SqlParams, { low, high }: RangeColumns): string {
  const v = params.lazy(number.value, '::numeric');
  const h = params.lazy(number.half, '::numeric');
  const within = () => `(${low} >= ${v()} - ${h()} AND ${high} < ${v()} + ${h()})`;
  switch (prefix ?? 'eq') {
    case 'eq':
      return within();
    case 'ne':
      return `NOT COALESCE(${within()}, false)`;
    case 'gt':
      return `(${high} > ${v()} OR ${high} IS NULL)`;
    case 'lt':
      return `(${low} < ${v()} OR ${low} IS NULL)`;
    case 'ge':
      return `(${high} >= ${v()} OR ${high} IS NULL)`;
    case 'le':
      return `(${low} <= ${v()} OR ${low} IS NULL)`;
    case 'sa':
      return `${low} > ${v()}`;
    case 'eb':
      return `${high} < ${v()}`;
    case 'ap': {
      const margin = `GREATEST(abs(${v()}) * 0.1, ${h()})`;
      return `((${low} IS NULL OR ${low} <= ${v()} + ${margin}) AND (${high} IS NULL OR ${high} >= ${v()} - ${margin}))`;
    }
    default:
      throw new InvalidSearchError(`Prefix "${prefix}" is not supported on numbers`);
  }
}

/** A JSON number as the numeric text PostgreSQL reads; anything else is no value. */
export function numericText(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}
