import type { TypedValue } from '@medplum/core';
import { InvalidSearchError } from '../../repository';
import type { IndexType, QueryContext } from './index-type';

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

/** Splits a literal reference into type and id when it names a resource on this server. */
export function localTarget(reference: string, ctx: QueryContext): { type: string; id: string } | undefined {
  const local = reference.startsWith(`${ctx.baseUrl}/`) ? reference.slice(ctx.baseUrl.length + 1) : reference;
  const match = RELATIVE.exec(local);
  return match ? { type: match[1], id: match[2] } : undefined;
}

/** Reference: Type/id, bare id, absolute URL and the :[type] modifier. */
export const referenceIndex: IndexType = {
  table: 'idx_reference',
  columns: ['target_type', 'target_id', 'url'],
  sortKey: { asc: 'min(i.target_id)', desc: 'max(i.target_id)' },
  extract(values, ctx) {
    return values.flatMap((v) => referenceRow(v, ctx));
  },
  match(filter, { value }, params, ctx) {
    const typeModifier = filter.modifier && /^[A-Z]/.test(filter.modifier) ? filter.modifier : undefined;
    const target = localTarget(value, ctx);
    if (target) {
      if (typeModifier && typeModifier !== target.type) {
        throw new InvalidSearchError(`Reference ${value} is not a ${typeModifier}`);
      }
      return `(i.target_type = ${params.add(target.type)} AND i.target_id = ${params.add(target.id)})`;
    }
    if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) {
      const typeCondition = typeModifier ? ` AND i.target_type = ${params.add(typeModifier)}` : '';
      return `(i.target_id = ${params.add(value)}${typeCondition})`;
    }
    return `i.url = ${params.add(value)}`;
  },
};

function referenceRow({ type, value }: TypedValue, ctx: QueryContext): unknown[][] {
  if (type === 'canonical' || type === 'uri') {
    return typeof value === 'string' ? [[null, null, value]] : [];
  }
  const reference = (value as { reference?: string } | undefined)?.reference;
  if (type !== 'Reference' || !reference || reference.startsWith('#')) {
    return [];
  }
  const target = localTarget(reference, ctx);
  return [[target?.type ?? null, target?.id ?? null, target ? null : reference]];
}
