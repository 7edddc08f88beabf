import { InvalidSearchError, type Prefix } from '../../repository';
import type { SqlParams } from '../sql-params';
import type { Column } from './index-type';

const NUMBER = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Half the last significant unit of a search number: R4 reads "100" as [99.5, 100.5) and "100.00"
 * as [99.995, 100.005). An exponent moves the unit: "1e2" is [50, 150).
 */
export function halfUnit(text: string): string {
  const m = NUMBER.exec(text);
  if (!m) {
    throw new InvalidSearchError(`"${text}" is not a number`);
  }
  const decimals = (m[2]?.length ?? 0) - Number(m[3] ?? 0);
  return `5e${-decimals - 1}`;
}

/**
 * SQL comparing the stored range [low, high] (equal for a plain value; NULL for an open end)
 * with a search number and its prefix, per the R4 search page; `ap` is within 10 % (HAPI's
 * reading of "approximately"), or the precision range when that is wider.
 */
export function numericMatch(prefix: Prefix | undefined, text: string, params: SqlParams, col: Column): string {
  const half = halfUnit(text);
  const v = params.lazy(text, '::numeric');
  const h = params.lazy(half, '::numeric');
  const low = col('low');
  const high = col('high');
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
