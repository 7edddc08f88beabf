import { InvalidSearchError, type TabulatedRow, type TabulatedValue, type TabulateQuery } from '../repository';
import { conditionSql } from './chain-sql';
import type { Queryable } from './driver/db';
import { paramRows } from './filter-sql';
import { indexOf } from './indexing';
import type { QueryContext } from './indexing/index-type';
import { SqlParams } from './sql-params';

/**
 * Answers a tabulation in two statements: the matching resources (rid and id), then every column's
 * index rows of those rids, passed once as an array, each column one JSON array of [rid, value] pairs.
 * The filters (which may hold chains) run once, and the columns are plain lookups by rid that the planner
 * sizes right from the array. JSON because tens of thousands of [rid, value] pairs parse many times
 * faster as one string than as as many result rows. Nothing reads the resources' content.
 */
export async function tabulate(db: Queryable, query: TabulateQuery, ctx: QueryContext): Promise<TabulatedRow[]> {
  const names = Object.keys(query.columns);
  const matches = matchesSql(query, ctx);
  const [base] = await db.query<{ j: string | null }>(`SELECT json_agg(json_build_array(r.rid, r.id))::text AS j FROM resource r WHERE ${matches.where}`, matches.params);
  const found = JSON.parse(base?.j ?? '[]') as [number, string][];
  if (found.length === 0) return [];
  const byRid = new Map<number, TabulatedRow>();
  for (const [rid, id] of found) {
    byRid.set(rid, { id, values: Object.fromEntries(names.map((name) => [name, [] as TabulatedValue[]])) });
  }
  if (names.length === 0) return [...byRid.values()];
  const { sql, params } = columnsSql(query, names, [...byRid.keys()], ctx);
  const [columns] = await db.query<Record<string, string | null>>(sql, params);
  names.forEach((name, position) => {
    for (const [rid, value] of JSON.parse(columns[`c${position}`] ?? '[]') as [number, TabulatedValue | null][]) {
      if (value !== null) byRid.get(rid)?.values[name].push(value);
    }
  });
  return [...byRid.values()];
}

function matchesSql(query: TabulateQuery, ctx: QueryContext): { where: string; params: unknown[] } {
  const params = new SqlParams();
  const conditions = [`r.resource_type = ${params.add(query.resourceType)}`, 'NOT r.deleted'];
  for (const filter of query.filters) conditions.push(conditionSql(filter, params, ctx));
  return { where: conditions.join(' AND '), params: params.values };
}

function columnsSql(query: TabulateQuery, names: string[], rids: number[], ctx: QueryContext): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const ridArray = params.add(rids);
  const columns = names.map((name, position) => {
    const param = query.columns[name];
    if (param.resourceType !== query.resourceType || param.type === 'composite') {
      throw new InvalidSearchError(`${param.resourceType}.${param.code} cannot be a column of a tabulation of ${query.resourceType}`);
    }
    const index = indexOf(param);
    return `(SELECT json_agg(json_build_array(i.rid, ${index.tabulated}))::text FROM ${index.table} i
      WHERE i.rid = ANY(${ridArray}::bigint[]) AND ${paramRows(param, [query.resourceType], params, ctx)}) AS c${position}`;
  });
  return { sql: `SELECT ${columns.join(',\n    ')}`, params: params.values };
}
