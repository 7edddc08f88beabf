import type { SearchQuery, SortRule } from '../repository';
import { filterSql, indexOf, paramCondition } from './filter-sql';
import type { QueryContext } from './indexing/index-type';
import { SqlParams } from './sql-params';

/** SELECT for one page of a search, and the count for its total. */
export function buildSearchSql(
  query: SearchQuery,
  ctx: QueryContext,
): { page: string; pageParams: unknown[]; count: string; countParams: unknown[] } {
  const params = new SqlParams();
  const resourceConditions = `r.resource_type = ${params.add(query.resourceType)} AND NOT r.deleted`;
  const conditions = [resourceConditions];
  for (const filter of query.filters) {
    conditions.push(filterSql(filter, params, ctx));
  }
  const where = conditions.join(' AND ');
  const countParams = [...params.values];
  const order = [...query.sort.map((rule) => sortSql(rule, params, ctx)), 'r.rid'].join(', ');
  // With filters on index tables, the matches are found in an inner query whose `r` (shadowing the
  // outer one) needs only rid, resource_type and deleted: an index-only scan of resource_rid_key
  // (migration 004). Each candidate the most selective filter yields is then checked against the
  // others without reading its content, which is read for the matches only. The outer conditions
  // let a sort on _lastUpdated still walk resource_type_updated.
  const onIndexTables = query.filters.some((f) => typeof f.param !== 'string');
  const matches = onIndexTables ? `${resourceConditions} AND r.rid IN (SELECT r.rid FROM resource r WHERE ${where})` : where;
  const page = `SELECT r.content FROM resource r WHERE ${matches} ORDER BY ${order}
    LIMIT ${params.add(query.count + 1)} OFFSET ${params.add(query.offset)}`;
  const count = `SELECT count(*)::bigint AS total FROM resource r WHERE ${where}`;
  return { page, pageParams: params.values, count, countParams };
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
