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
  const conditions = [`r.resource_type = ${params.add(query.resourceType)}`, 'NOT r.deleted'];
  for (const filter of query.filters) {
    conditions.push(filterSql(filter, params, ctx));
  }
  const where = conditions.join(' AND ');
  const countParams = [...params.values];
  const order = () => [...query.sort.map((rule) => sortSql(rule, params, ctx)), 'r.rid'].join(', ');
  const limit = () => `LIMIT ${params.add(query.count + 1)} OFFSET ${params.add(query.offset)}`;
  // With filters on index tables, the page is chosen in an inner query whose `r` (shadowing the
  // outer one) needs only rid, resource_type and deleted: an index-only scan of resource_rid_key
  // (migration 004). The candidates the most selective filter yields are checked against the other
  // filters, sorted and cut to the page without reading any content; the outer query reads the
  // content of the page's rows only (21, not the hundreds a study's adverse events can match).
  const onIndexTables = query.filters.some((f) => typeof f.param !== 'string');
  const page = onIndexTables
    ? `SELECT r.content FROM resource r WHERE r.rid IN (SELECT r.rid FROM resource r WHERE ${where} ORDER BY ${order()} ${limit()})
    ORDER BY ${order()}`
    : `SELECT r.content FROM resource r WHERE ${where} ORDER BY ${order()}
    ${limit()}`;
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
