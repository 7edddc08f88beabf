import type { IndexedParameter, SearchFilter } from '../repository';
import { InvalidSearchError } from '../repository';
import { compositeFilterSql } from './composite-sql';
import { INDEX_TYPES } from './indexing';
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
  const rowsOfParam = `SELECT 1 FROM ${index.table} i WHERE i.rid = r.rid AND ${rowsCondition(filter, param, params, ctx)}`;
  if (filter.modifier === 'missing') {
    const missing = filter.values.some((v) => v.value === 'true');
    return `${missing ? 'NOT ' : ''}EXISTS (${rowsOfParam})`;
  }
  const anyValue = filter.values.map((v) => index.match(filter, v, params, ctx)).join(' OR ');
  const negated = index.negatingModifiers?.includes(filter.modifier ?? '') ?? false;
  return `${negated ? 'NOT ' : ''}EXISTS (${rowsOfParam} AND (${anyValue}))`;
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
  if (index.negatingModifiers?.includes(filter.modifier ?? '')) {
    return undefined;
  }
  const rows = `SELECT i.rid FROM ${index.table} i WHERE ${rowsCondition(filter, param, params, ctx)}`;
  return `${rows} AND (${filter.values.map((v) => index.match(filter, v, params, ctx)).join(' OR ')})`;
}

/** The index rows of the filter's parameter on the filter's type(s). */
function rowsCondition(filter: SearchFilter, param: IndexedParameter, params: SqlParams, ctx: QueryContext): string {
  const types = filter.resourceTypes ? `= ANY(${params.add(filter.resourceTypes)}::text[])` : `= ${params.add(param.resourceType)}`;
  return `i.resource_type ${types} AND ${paramCondition(param, params, ctx)}`;
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

/** The index rows of a parameter: its own, or those of the parameters it is the union of. */
export function paramCondition(param: IndexedParameter, params: SqlParams, ctx: QueryContext): string {
  const codes = ctx.storedCodes(param.resourceType, param.code);
  return codes.length === 1 ? `i.param = ${params.add(codes[0])}` : `i.param = ANY(${params.add(codes)}::text[])`;
}

export function indexOf(param: IndexedParameter): IndexType {
  const index = INDEX_TYPES[param.type];
  if (!index) {
    throw new InvalidSearchError(`Search parameter ${param.code} of type ${param.type} is not supported`);
  }
  return index;
}
