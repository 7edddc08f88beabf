import { InvalidSearchError, type Prefix } from '../../repository';
import type { SqlParams } from '../sql-params';

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
 * SQL comparing the stored range [i.low, i.high] (equal for a plain value; NULL for an open end)
 * with a search number and its prefix, per the R4 search page; `ap` is within 10 % (HAPI's
 * reading of "approximately"), or the precision range when that is wider.
 */
export function numericMatch(prefix: Prefix | undefined, text: string, params: SqlParams): string {
  const half = halfUnit(text);
  const v = params.lazy(text, '::numeric');
  const h = params.lazy(half, '::numeric');
  const within = () => `(i.low >= ${v()} - ${h()} AND i.high < ${v()} + ${h()})`;
  switch (prefix ?? 'eq') {
    case 'eq':
      return within();
    case 'ne':
      return `NOT COALESCE(${within()}, false)`;
    case 'gt':
      return `(i.high > ${v()} OR i.high IS NULL)`;
    case 'lt':
      return `(i.low < ${v()} OR i.low IS NULL)`;
    case 'ge':
      return `(i.high >= ${v()} OR i.high IS NULL)`;
    case 'le':
      return `(i.low <= ${v()} OR i.low IS NULL)`;
    case 'sa':
      return `i.low > ${v()}`;
    case 'eb':
      return `i.high < ${v()}`;
    case 'ap': {
      const margin = `GREATEST(abs(${v()}) * 0.1, ${h()})`;
      return `((i.low IS NULL OR i.low <= ${v()} + ${margin}) AND (i.high IS NULL OR i.high >= ${v()} - ${margin}))`;
    }
    default:
      throw new InvalidSearchError(`Prefix "${prefix}" is not supported on numbers`);
  }
}

/** A JSON number as the numeric text PostgreSQL reads; anything else is no value. */
export function numericText(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}
