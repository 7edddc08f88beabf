import type { TypedValue } from '@medplum/core';
import type { IndexType } from './index-type';

/** Lower case without accents: R4 string search is case- and accent-insensitive by default. */
export function normalizeString(value: string): string {
  return value.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

const NAME_PARTS = ['text', 'family', 'given', 'prefix', 'suffix'] as const;
const ADDRESS_PARTS = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'] as const;

/** String: starts-with by default, `:exact` and `:contains`. */
export const stringIndex: IndexType = {
  table: 'idx_string',
  columns: ['value', 'value_exact'],
  sortKey: { asc: 'min(i.value)', desc: 'max(i.value)' },
  tabulated: 'i.value_exact',
  extract(values) {
    return values.flatMap(stringsOf).map((s) => [normalizeString(s), s]);
  },
  match(filter, { value }, params) {
    if (filter.modifier === 'exact') {
      return `i.value_exact = ${params.add(value)}`;
    }
    const pattern = escapeLike(normalizeString(value));
    return filter.modifier === 'contains'
      ? `i.value LIKE ${params.add(`%${pattern}%`)}`
      : `i.value LIKE ${params.add(`${pattern}%`)}`;
  },
};

function stringsOf({ type, value }: TypedValue): string[] {
  switch (type) {
    case 'HumanName':
      return partsOf(value as Record<string, unknown>, NAME_PARTS);
    case 'Address':
      return partsOf(value as Record<string, unknown>, ADDRESS_PARTS);
    case 'string':
    case 'markdown':
    case 'code':
    case 'uri':
    case 'id':
      return typeof value === 'string' ? [value] : [];
    default:
      return [];
  }
}

function partsOf(value: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.flatMap((key) => {
    const part = value[key];
    if (Array.isArray(part)) {
      return part.filter((p): p is string => typeof p === 'string');
    }
    return typeof part === 'string' ? [part] : [];
  });
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
