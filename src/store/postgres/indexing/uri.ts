import type { IndexType } from './index-type';
import { escapeLike } from './string';

/** Uri: exact match of the whole URI; `:below` matches URIs under the value, `:above` URIs the value is under. */
export const uriIndex: IndexType = {
  table: 'idx_uri',
  columns: ['value'],
  sortKey: { asc: 'min(i.value)', desc: 'max(i.value)' },
  tabulated: 'i.value',
  extract(values) {
    return values.filter((v) => typeof v.value === 'string').map((v) => [v.value as string]);
  },
  match(filter, { value }, params) {
    if (filter.modifier === 'below') {
      return `i.value LIKE ${params.add(`${escapeLike(value)}%`)}`;
    }
    if (filter.modifier === 'above') {
      return `starts_with(${params.add(value)}::text, i.value)`;
    }
    return `i.value = ${params.add(value)}`;
  },
};
