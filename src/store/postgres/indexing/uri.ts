import type { IndexType } from './index-type';

/** Uri: exact match of the whole URI. */
export const uriIndex: IndexType = {
  table: 'idx_uri',
  columns: ['value'],
  sortKey: { asc: 'min(i.value)', desc: 'max(i.value)' },
  extract(values) {
    return values.filter((v) => typeof v.value === 'string').map((v) => [v.value as string]);
  },
  match(_filter, { value }, params) {
    return `i.value = ${params.add(value)}`;
  },
};
