import type { TypedValue } from '@medplum/core';
import { InvalidSearchError } from '../../repository';
import type { IndexType } from './index-type';
import { numericMatch, numericText } from './numeric';

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
 * Quantity: `[prefix]number|system|code`; with no system the code may also match the human unit,
 * as the R4 search page allows. Ranges index as their two ends, a comparator ("<5") as an open
 * range, Money as an ISO 4217 currency code.
 */
export const quantityIndex: IndexType = {
  table: 'idx_quantity',
  columns: ['system', 'code', 'unit', 'low', 'high'],
  columnTypes: { low: 'numeric', high: 'numeric' },
  sortKey: { asc: 'min(i.low)', desc: 'max(i.high)', type: 'numeric' },
  extract(values) {
    return values.flatMap(rowOf);
  },
  match(_filter, { prefix, value }, params) {
    const [number, system, code, ...rest] = splitBars(value);
    if (rest.length > 0 || number === '') {
      throw new InvalidSearchError(`"${value}" is not a quantity (number|system|code)`);
    }
    const conditions = [numericMatch(prefix, number, params)];
    if (system) {
      conditions.push(`i.system = ${params.add(system)}`);
    }
    if (code && system) {
      conditions.push(`i.code = ${params.add(code)}`);
    } else if (code) {
      const p = params.add(code);
      conditions.push(`(i.code = ${p} OR i.unit = ${p})`);
    }
    return `(${conditions.join(' AND ')})`;
  },
};

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
    return low === null && high === null ? [] : [[unitOf.system ?? null, unitOf.code ?? null, unitOf.unit ?? null, low, high]];
  }
  if (type === 'SampledData') {
    return [];
  }
  const q = value as QuantityValue;
  const n = numericText(q.value);
  if (n === null) {
    return [];
  }
  const [low, high] = q.comparator?.startsWith('<') ? [null, n] : q.comparator?.startsWith('>') ? [n, null] : [n, n];
  if (q.currency) {
    return [[CURRENCY_SYSTEM, q.currency, null, low, high]];
  }
  return [[q.system ?? null, q.code ?? null, q.unit ?? null, low, high]];
}
