import type { SearchQuery, SortRule } from '../repository';
import { conditionSql } from './chain-sql';
import { indexOf, paramCondition } from './filter-sql';
import type { QueryContext } from './indexing/index-type';
import { SqlParams } from './sql-params';

/** SELECT for one page of a search, and the count for its total. */
export function buildSearchSql(
  query: SearchQuery,
  ctx: QueryContext,
): { page: string; pageParams: unknown[]; count: string; countParams: unknown[] } {
  const params = new SqlParams();
  const types = query.types ? `= ANY(${params.add(query.types)}::text[])` : `= ${params.add(query.resourceType)}`;
  const conditions = [`r.resource_type ${types}`, 'NOT r.deleted'];
  for (const filter of query.filters) {
    conditions.push(conditionSql(filter, params, ctx));
  }
  const where = conditions.join(' AND ');
  const countParams = [...params.values];
  const order = [...query.sort.map((rule) => sortSql(rule, params, ctx)), 'r.rid'].join(', ');
  const page = `SELECT r.content FROM resource r WHERE ${where} ORDER BY ${order}
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
