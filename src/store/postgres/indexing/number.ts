import type { TypedValue } from '@medplum/core';
import type { IndexType } from './index-type';
import { numericMatch, numericText } from './numeric';

/** Number: integer and decimal values (a Range as its two ends), with the eq…ap prefixes. */
export const numberIndex: IndexType = {
  table: 'idx_number',
  columns: ['low', 'high'],
  columnTypes: { low: 'numeric', high: 'numeric' },
  sortKey: { asc: 'min(i.low)', desc: 'max(i.high)', type: 'numeric' },
  tabulated: 'COALESCE(i.low, i.high)::float8',
  extract(values) {
    return values.flatMap(rangeOf);
  },
  match(_filter, { prefix, value }, params) {
    return numericMatch(prefix, value, params);
  },
};

function rangeOf({ type, value }: TypedValue): unknown[][] {
  if (type === 'Range') {
    const range = value as { low?: { value?: number }; high?: { value?: number } };
    const low = numericText(range.low?.value);
    const high = numericText(range.high?.value);
    return low === null && high === null ? [] : [[low, high]];
  }
  const n = numericText(value);
  return n === null ? [] : [[n, n]];
}
