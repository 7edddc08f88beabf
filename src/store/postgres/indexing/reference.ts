import type { TypedValue } from '@medplum/core';
import { InvalidSearchError, type SearchFilter, type SearchValue } from '../../repository';
import type { SqlParams } from '../sql-params';
import type { IndexType, QueryContext } from './index-type';

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

/** Splits a literal reference into type and id when it names a resource on this server. */
export function localTarget(reference: string, ctx: QueryContext): { type: string; id: string } | undefined {
  const local = reference.startsWith(`${ctx.baseUrl}/`) ? reference.slice(ctx.baseUrl.length + 1) : reference;
  const match = RELATIVE.exec(local);
  return match ? { type: match[1], id: match[2] } : undefined;
}

/**
 * Reference: Type/id, bare id, absolute URL and the :[type] modifier; `:identifier` matches the
 * logical reference (Reference.identifier) as a token, `system|value`, `|value`, `system|` or `value`.
 */
export const referenceIndex: IndexType = {
  table: 'idx_reference',
  columns: ['target_type', 'target_id', 'url', 'identifier_system', 'identifier_value'],
  sortKey: { asc: 'min(i.target_id)', desc: 'max(i.target_id)' },
  tabulated: `CASE WHEN i.target_id IS NOT NULL THEN i.target_type || '/' || i.target_id ELSE i.url END`,
  extract(values, ctx) {
    return values.flatMap((v) => referenceRow(v, ctx));
  },
  matchAny: (filter, params, ctx) => referenceMatchAny(filter, params, ctx),
  match(filter, { value }, params, ctx) {
    if (filter.modifier === 'identifier') {
      return identifierMatch(value, params);
    }
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

/**
 * Many references to resources of one type (a Group's 500 patients) as one `target_id = ANY(...)`
 * condition: ORed one by one they cost the planner more than the query (bench/RESULTS.md, bench:export).
 */
function referenceMatchAny(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string | undefined {
  if ((filter.modifier && !/^[A-Z]/.test(filter.modifier)) || filter.values.length < 2) return undefined;
  const byType = new Map<string, string[]>();
  const others: SearchValue[] = [];
  for (const v of filter.values) {
    const target = localTarget(v.value, ctx);
    if (target && (!filter.modifier || filter.modifier === target.type)) byType.set(target.type, [...(byType.get(target.type) ?? []), target.id]);
    else others.push(v);
  }
  if (![...byType.values()].some((ids) => ids.length > 1)) return undefined;
  const grouped = [...byType].map(([type, ids]) => `(i.target_id = ANY(${params.add(ids)}::text[]) AND i.target_type = ${params.add(type)})`);
  const single = others.map((v) => referenceIndex.match(filter, v, params, ctx));
  return `(${[...grouped, ...single].join(' OR ')})`;
}

function identifierMatch(value: string, params: SqlParams): string {
  const bar = value.search(/(?<!\\)\|/);
  if (bar < 0) {
    return `i.identifier_value = ${params.add(value)}`;
  }
  const system = value.slice(0, bar);
  const identifier = value.slice(bar + 1).replace(/\\\|/g, '|');
  if (!identifier) {
    if (!system) throw new InvalidSearchError('Identifier search value "|" names neither system nor value');
    return `(i.identifier_value IS NOT NULL AND i.identifier_system = ${params.add(system)})`;
  }
  const systemCondition = system ? `i.identifier_system = ${params.add(system)}` : 'i.identifier_system IS NULL';
  return `(i.identifier_value = ${params.add(identifier)} AND ${systemCondition})`;
}

/** A literal reference (local, absolute or canonical) and its logical identifier; internal `#` references are skipped. */
function referenceRow({ type, value }: TypedValue, ctx: QueryContext): unknown[][] {
  if (type === 'canonical' || type === 'uri') {
    return typeof value === 'string' ? [[null, null, value, null, null]] : [];
  }
  if (type !== 'Reference' || !value) {
    return [];
  }
  const { reference, identifier } = value as { reference?: string; identifier?: { system?: string; value?: string } };
  const literal = reference && !reference.startsWith('#') ? reference : undefined;
  const logical = identifier?.value ? [identifier.system ?? null, identifier.value] : [null, null];
  if (!literal) {
    return logical[1] === null ? [] : [[null, null, null, ...logical]];
  }
  const target = localTarget(literal, ctx);
  return [[target?.type ?? null, target?.id ?? null, target ? null : literal, ...logical]];
}
