import type { IndexedParameter, SearchFilter } from '../repository';
import { InvalidSearchError } from '../repository';
import { compositeFilterSql } from './composite-sql';
import { indexOf } from './indexing';
import type { IndexType, QueryContext } from './indexing/index-type';
import { dateRange } from './indexing/date';
import type { SqlParams } from './sql-params';

/** A WHERE condition over resource alias `r` for one filter (its values ORed). */
export function filterSql(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string {
  if (filter.param === '_id') {
    return resourceColumnFilter(filter, 'r.id', params);
  }
  if (filter.param === '_lastUpdated') {
    return lastUpdatedFilter(filter, params);
  }
  const param = filter.param;
  if (param.type === 'composite') {
    return compositeFilterSql(filter, params, ctx);
  }
  const index = indexOf(param);
  const rowsOfParam = `SELECT 1 FROM ${index.table} i WHERE i.rid = r.rid AND ${paramRows(param, typesOf(filter, param), params, ctx)}`;
  if (filter.modifier === 'missing') {
    const missing = filter.values.some((v) => v.value === 'true');
    return `${missing ? 'NOT ' : ''}EXISTS (${rowsOfParam})`;
  }
  return `${negates(index, filter) ? 'NOT ' : ''}EXISTS (${rowsOfParam} AND ${anyValueMatches(index, filter, params, ctx)})`;
}

/**
 * The rids of the resources meeting the filter, read from its matching index rows alone, for the
 * filters that hold when some row matches; undefined for the others (:missing, negations,
 * composites, _id and _lastUpdated), which need the resource row. Deleted resources may be among
 * the rids: the query they serve excludes them.
 */
export function filterRidsSql(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string | undefined {
  const param = filter.param;
  if (typeof param === 'string' || param.type === 'composite' || filter.modifier === 'missing') {
    return undefined;
  }
  const index = indexOf(param);
  if (negates(index, filter)) {
    return undefined;
  }
  return `SELECT i.rid FROM ${index.table} i WHERE ${paramRows(param, typesOf(filter, param), params, ctx)} AND ${anyValueMatches(index, filter, params, ctx)}`;
}

/** The types whose index rows hold the filter's values: its own, or several in a system-level search. */
function typesOf(filter: SearchFilter, param: IndexedParameter): readonly string[] {
  return filter.resourceTypes ?? [param.resourceType];
}

/** Modifiers like :not mean "no row matches". */
function negates(index: IndexType, filter: SearchFilter): boolean {
  return index.negatingModifiers?.includes(filter.modifier ?? '') ?? false;
}

/** An index row (alias `i`) matches one of the filter's values. */
function anyValueMatches(index: IndexType, filter: SearchFilter, params: SqlParams, ctx: QueryContext): string {
  const together = index.matchAny?.(filter, params, ctx);
  return together ?? `(${filter.values.map((v) => index.match(filter, v, params, ctx)).join(' OR ')})`;
}

/**
 * The index rows (alias `i`) of a parameter on the given resource types: its own rows, or those of
 * the parameters it is the union of. Every query reaches a parameter's rows through here.
 */
export function paramRows(param: IndexedParameter, types: readonly string[], params: SqlParams, ctx: QueryContext): string {
  const type = types.length === 1 ? `= ${params.add(types[0])}` : `= ANY(${params.add(types)}::text[])`;
  return `i.resource_type ${type} AND ${paramCondition(param, types, params, ctx)}`;
}

function resourceColumnFilter(filter: SearchFilter, column: string, params: SqlParams): string {
  if (filter.modifier === 'missing') {
    return filter.values.some((v) => v.value === 'true') ? 'false' : 'true';
  }
  const condition = `${column} = ANY(${params.add(filter.values.map((v) => v.value))}::text[])`;
  return filter.modifier === 'not' ? `NOT ${condition}` : condition;
}

function lastUpdatedFilter(filter: SearchFilter, params: SqlParams): string {
  const parts = filter.values.map(({ prefix, value }) => {
    const range = dateRange(value);
    if (!range) {
      throw new InvalidSearchError(`"${value}" is not a valid date or dateTime`);
    }
    const low = params.lazy(range.low, '::timestamptz');
    const high = params.lazy(range.high, '::timestamptz');
    // _lastUpdated is an instant, so the precision ranges reduce to simple comparisons.
    switch (prefix ?? 'eq') {
      case 'eq':
        return `(r.last_updated >= ${low()} AND r.last_updated < ${high()})`;
      case 'ne':
        return `NOT (r.last_updated >= ${low()} AND r.last_updated < ${high()})`;
      case 'gt':
      case 'sa':
        return `r.last_updated >= ${high()}`;
      case 'lt':
      case 'eb':
        return `r.last_updated < ${low()}`;
      case 'ge':
        return `r.last_updated >= ${low()}`;
      case 'le':
        return `r.last_updated < ${high()}`;
      default:
        throw new InvalidSearchError(`Prefix "${prefix}" is not supported on _lastUpdated`);
    }
  });
  return `(${parts.join(' OR ')})`;
}

/**
 * The param codes whose rows hold a parameter's values, asked of every type searched: each may
 * refuse a parameter whose rows are not complete yet on it.
 */
function paramCondition(param: IndexedParameter, types: readonly string[], params: SqlParams, ctx: QueryContext): string {
  const codes = ctx.storedCodes(types[0], param.code);
  for (const other of types.slice(1)) {
    if (ctx.storedCodes(other, param.code).join() !== codes.join()) {
      throw new InvalidSearchError(`Search parameter "${param.code}" is stored differently on ${types[0]} and ${other}; search them one at a time`);
    }
  }
  return codes.length === 1 ? `i.param = ${params.add(codes[0])}` : `i.param = ANY(${params.add(codes)}::text[])`;
}
