import type { SearchQuery, SortRule } from '../repository';
import { conditionSql } from './chain-sql';
import { paramRows } from './filter-sql';
import { indexOf } from './indexing';
import type { QueryContext } from './indexing/index-type';
import { orderBy, pastPosition, type PagePosition, type SortKey } from './page-sql';
import { SqlParams } from './sql-params';

export interface SearchSql {
  /** One page (LIMIT count + 1, to tell whether more follow): rid and sort keys as text, then content. */
  page: string;
  pageParams: unknown[];
  /** The sort-key columns of the page rows, k0..kn, for the cursors of the next and previous pages. */
  keyColumns: string[];
  /** Whether the page rows come in reverse order (a previous page) and must be flipped. */
  reversed: boolean;
  /** All matches, for counting or estimating the total. */
  matches: string;
  matchParams: unknown[];
}

/**
 * The SQL for one page of a search starting at `position`, and for its matches as a whole.
 *
 * The page is chosen in an inner query that reads only rid, the resource columns a filter or sort
 * needs and the index rows: with filters on index tables it is answered from resource_rid_key
 * (which covers resource_type and deleted, migration 006), so candidates are checked, sorted and
 * cut without reading any content. The outer query reads the content of the page's rows only.
 */
export function buildSearchSql(query: SearchQuery, ctx: QueryContext, position?: PagePosition): SearchSql {
  const params = new SqlParams();
  const types = query.types ? `= ANY(${params.add(query.types)}::text[])` : `= ${params.add(query.resourceType)}`;
  const conditions = [`r.resource_type ${types}`, 'NOT r.deleted'];
  for (const filter of query.filters) {
    conditions.push(conditionSql(filter, params, ctx));
  }
  const where = conditions.join(' AND ');
  const matchParams = [...params.values];
  const keys = query.sort.map((rule) => sortKey(rule, params, ctx));
  const keyColumns = keys.map((_, i) => `k${i}`);
  const reversed = position?.direction === 'before';
  const selectKeys = keys.map((key, i) => `, ${key.expression} AS k${i}`).join('');
  // OFFSET 0 keeps PostgreSQL from inlining the sort-key subqueries into ORDER BY and the cursor
  // condition, which would run each of them once per use instead of once per row.
  const candidates = `SELECT r.rid AS r_rid${selectKeys} FROM resource r WHERE ${where}${keys.length > 0 ? ' OFFSET 0' : ''}`;
  const past = position ? `WHERE ${pastPosition(position, keys, keyColumns, params)}` : '';
  const chosen = `SELECT * FROM (${candidates}) s ${past}
    ORDER BY ${orderBy(keys, keyColumns, 'r_rid', reversed)} LIMIT ${params.add(query.count + 1)} OFFSET ${params.add(query.offset)}`;
  const outerKeys = keyColumns.map((c) => `p.${c}`);
  const page = `SELECT p.r_rid::text AS rid${keyColumns.map((c) => `, p.${c}::text AS ${c}`).join('')}, r.content
    FROM (${chosen}) p JOIN resource r ON r.rid = p.r_rid ORDER BY ${orderBy(keys, outerKeys, 'p.r_rid', reversed)}`;
  const matches = `SELECT r.rid FROM resource r WHERE ${where}`;
  return { page, pageParams: params.values, keyColumns, reversed, matches, matchParams };
}

function sortKey(rule: SortRule, params: SqlParams, ctx: QueryContext): SortKey {
  const descending = rule.descending;
  if (rule.param === '_id') {
    return { expression: 'r.id', type: 'text', descending };
  }
  if (rule.param === '_lastUpdated') {
    return { expression: 'r.last_updated', type: 'timestamptz', descending };
  }
  const index = indexOf(rule.param);
  const aggregate = descending ? index.sortKey.desc : index.sortKey.asc;
  const expression = `(SELECT ${aggregate} FROM ${index.table} i WHERE i.rid = r.rid AND ${paramRows(rule.param, [rule.param.resourceType], params, ctx)})`;
  return { expression, type: index.sortKey.type ?? 'text', descending };
}
