import { InvalidSearchError, type TabulatedRow, type TabulatedValue, type TabulateQuery } from '../repository';
import { conditionSql } from './chain-sql';
import type { Queryable } from './driver/db';
import { paramRows } from './filter-sql';
import { indexOf } from './indexing';
import type { QueryContext } from './indexing/index-type';
import { SqlParams } from './sql-params';

/**
 * Answers a tabulation with one statement for the matching resources, then one per column reading
 * the column's index rows of those rids (passed as an array: the filters, which may hold chains, run
 * once, and each column is a plain lookup by rid). The rows are merged here by rid. Nothing reads the
 * resources' content.
 */
export async function tabulate(db: Queryable, query: TabulateQuery, ctx: QueryContext): Promise<TabulatedRow[]> {
  const matches = matchesSql(query, ctx);
  const rows = await db.query<{ rid: string; id: string }>(`SELECT r.rid::text AS rid, r.id FROM resource r WHERE ${matches.where}`, matches.params);
  const byRid = new Map<string, TabulatedRow>();
  const names = Object.keys(query.columns);
  for (const row of rows) {
    byRid.set(row.rid, { id: row.id, values: Object.fromEntries(names.map((name) => [name, [] as TabulatedValue[]])) });
  }
  if (byRid.size === 0) return [];
  const rids = [...byRid.keys()];
  for (const name of names) {
    const { sql, params } = columnSql(query, name, rids, ctx);
    for (const cell of await db.query<{ rid: string; v: TabulatedValue | null }>(sql, params)) {
      if (cell.v !== null) byRid.get(cell.rid)?.values[name].push(cell.v);
    }
  }
  return [...byRid.values()];
}

function matchesSql(query: TabulateQuery, ctx: QueryContext, params = new SqlParams()): { where: string; params: unknown[] } {
  const conditions = [`r.resource_type = ${params.add(query.resourceType)}`, 'NOT r.deleted'];
  for (const filter of query.filters) conditions.push(conditionSql(filter, params, ctx));
  return { where: conditions.join(' AND '), params: params.values };
}

function columnSql(query: TabulateQuery, name: string, rids: string[], ctx: QueryContext): { sql: string; params: unknown[] } {
  const param = query.columns[name];
  if (param.resourceType !== query.resourceType || param.type === 'composite') {
    throw new InvalidSearchError(`${param.resourceType}.${param.code} cannot be a column of a tabulation of ${query.resourceType}`);
  }
  const index = indexOf(param);
  const params = new SqlParams();
  const sql = `SELECT i.rid::text AS rid, ${index.tabulated} AS v FROM ${index.table} i
    WHERE i.rid = ANY(${params.add(rids)}::bigint[]) AND ${paramRows(param, [query.resourceType], params, ctx)}`;
  return { sql, params: params.values };
}
