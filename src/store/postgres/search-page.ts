import type { Resource } from '@medplum/fhirtypes';
import type { SearchQuery, SearchResult } from '../repository';
import type { Queryable } from './driver/db';
import type { QueryContext } from './indexing/index-type';
import { decodeCursor, encodeCursor, type PagePosition } from './page-sql';
import { withTypeFirst } from './rows';
import { buildSearchSql, type SearchSql } from './search-sql';

type PageRow = { rid: string; content: Resource } & Record<string, string | null>;

/**
 * Below this many estimated matches, `_total=estimate` counts exactly: the count is cheap, and an
 * exact figure is better. Above it, the planner's row estimate answers without reading every match
 * (as Medplum does; HAPI offers no estimate mode).
 */
const EXACT_COUNT_BELOW = 1_000;

/** One page of a search, with cursors for the pages either side and the requested total. */
export async function searchPage(db: Queryable, query: SearchQuery, ctx: QueryContext): Promise<SearchResult> {
  const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort.length);
  const sql = buildSearchSql(query, ctx, position);
  // The total is counted at the same time as the page, on another pooled connection: a search's
  // latency is then the slower of the two statements rather than their sum (the count of a broad
  // search costs as much as its page). Over one connection (PGlite, a transaction) they queue.
  const counting = query.total === 'none' ? undefined : total(db, query.total, sql);
  counting?.catch(() => undefined); // awaited below; this only keeps a failed page from leaving it unhandled
  const rows = await db.query<PageRow>(sql.page, sql.pageParams);
  const more = rows.length > query.count;
  const page = rows.slice(0, query.count);
  if (sql.reversed) {
    page.reverse();
  }
  // A first page that is also the last tells the total itself, exactly, whatever an estimate says.
  const wholeResult = position === undefined && !more && (page.length > 0 || query.offset === 0);
  return {
    resources: page.map((row) => withTypeFirst(row.content)),
    total: counting && wholeResult ? query.offset + page.length : await counting,
    ...cursors(page, sql, position, more),
  };
}

function cursors(page: PageRow[], sql: SearchSql, position: PagePosition | undefined, more: boolean): Pick<SearchResult, 'nextCursor' | 'previousCursor'> {
  const at = (row: PageRow, direction: PagePosition['direction']) =>
    encodeCursor({ direction, rid: row.rid, keys: sql.keyColumns.map((column) => row[column]) });
  const first = page[0];
  const last = page[page.length - 1];
  // Paging back, the rows before this page are the ones "more" counts; this page's successors exist.
  const hasNext = sql.reversed ? position !== undefined : more;
  const hasPrevious = sql.reversed ? more : position !== undefined;
  return {
    nextCursor: hasNext && last ? at(last, 'after') : undefined,
    previousCursor: hasPrevious && first ? at(first, 'before') : undefined,
  };
}

async function total(db: Queryable, wanted: 'estimate' | 'accurate', sql: SearchSql): Promise<number> {
  if (wanted === 'estimate') {
    const estimate = Math.round((await queryPlan(db, sql.matches, sql.matchParams))['Plan Rows'] as number);
    if (estimate >= EXACT_COUNT_BELOW) {
      return estimate;
    }
  }
  const [row] = await db.query<{ total: number }>(countSql(sql), sql.matchParams);
  return row.total;
}

export function countSql(sql: SearchSql): string {
  return `SELECT count(*)::int AS total FROM (${sql.matches}) m`;
}

/** A node of a plan as EXPLAIN (FORMAT JSON) gives it. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
  [field: string]: unknown;
}

/** The plan PostgreSQL would run `sql` with. */
export async function queryPlan(db: Queryable, sql: string, params: unknown[]): Promise<PlanNode> {
  const rows = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] | string }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const json = rows[0]['QUERY PLAN'];
  // pg parses the json column; PGlite may hand it over as text.
  const parsed = typeof json === 'string' ? (JSON.parse(json) as { Plan: PlanNode }[]) : json;
  return parsed[0].Plan;
}
