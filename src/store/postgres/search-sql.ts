import type { IndexedParameter, SearchFilter, SearchQuery, SortRule } from '../repository';
import { InvalidSearchError } from '../repository';
import { INDEX_TYPES } from './indexing';
import type { IndexType, QueryContext } from './indexing/index-type';
import { dateRange } from './indexing/date';
import { SqlParams } from './sql-params';

/** SELECT for one page of a search, and the count for its total. */
export function buildSearchSql(
  query: SearchQuery,
  ctx: QueryContext,
): { page: string; pageParams: unknown[]; count: string; countParams: unknown[] } {
  const params = new SqlParams();
  const conditions = [`r.resource_type = ${params.add(query.resourceType)}`, 'NOT r.deleted'];
  for (const filter of query.filters) {
    conditions.push(filterSql(filter, params, ctx));
  }
  const where = conditions.join(' AND ');
  const countParams = [...params.values];
  const order = [...query.sort.map((rule) => sortSql(rule, params, ctx)), 'r.rid'].join(', ');
  const page = `SELECT r.content FROM resource r WHERE ${where} ORDER BY ${order}
    LIMIT ${params.add(query.count + 1)} OFFSET ${params.add(query.offset)}`;
  const count = `SELECT count(*)::bigint AS total FROM resource r WHERE ${where}`;
  return { page, pageParams: params.values, count, countParams };
}

function filterSql(filter: SearchFilter, params: SqlParams, ctx: QueryContext): string {
  if (filter.param === '_id') {
    return resourceColumnFilter(filter, 'r.id', params);
  }
  if (filter.param === '_lastUpdated') {
    return lastUpdatedFilter(filter, params);
  }
  const param = filter.param;
  const index = indexOf(param);
  const rowsOfParam = `SELECT 1 FROM ${index.table} i WHERE i.rid = r.rid AND i.resource_type = ${params.add(param.resourceType)} AND ${paramCondition(param, params, ctx)}`;
  if (filter.modifier === 'missing') {
    const missing = filter.values.some((v) => v.value === 'true');
    return `${missing ? 'NOT ' : ''}EXISTS (${rowsOfParam})`;
  }
  const anyValue = filter.values.map((v) => index.match(filter, v, params, ctx)).join(' OR ');
  const negated = index.negatingModifiers?.includes(filter.modifier ?? '') ?? false;
  return `${negated ? 'NOT ' : ''}EXISTS (${rowsOfParam} AND (${anyValue}))`;
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

function sortSql(rule: SortRule, params: SqlParams, ctx: QueryContext): string {
  const direction = rule.descending ? 'DESC' : 'ASC';
  if (rule.param === '_id') {
    return `r.id ${direction}`;
  }
  if (rule.param === '_lastUpdated') {
    return `r.last_updated ${direction}`;
  }
  const index = indexOf(rule.param);
  const aggregate = rule.descending ? index.sortKey.desc : index.sortKey.asc;
  return `(SELECT ${aggregate} FROM ${index.table} i WHERE i.rid = r.rid AND i.resource_type = ${params.add(rule.param.resourceType)} AND ${paramCondition(rule.param, params, ctx)}) ${direction} NULLS LAST`;
}

/** The index rows of a parameter: its own, or those of the parameters it is the union of. */
function paramCondition(param: IndexedParameter, params: SqlParams, ctx: QueryContext): string {
  const codes = ctx.storedCodes(param.resourceType, param.code);
  return codes.length === 1 ? `i.param = ${params.add(codes[0])}` : `i.param = ANY(${params.add(codes)}::text[])`;
}

function indexOf(param: IndexedParameter): IndexType {
  const index = INDEX_TYPES[param.type];
  if (!index) {
    throw new InvalidSearchError(`Search parameter ${param.code} of type ${param.type} is not supported`);
  }
  return index;
}
