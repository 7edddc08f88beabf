import type { SearchQuery } from '../repository';
import type { Queryable } from './driver/db';
import { queryContext, type PostgresRepositoryOptions } from './postgres-repository';
import { buildSearchSql } from './search-sql';

/** A node of a plan as EXPLAIN (FORMAT JSON) gives it; only the fields the tests read are typed. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
  [field: string]: unknown;
}

export interface ExplainedStatement {
  /** Which of the search's statements this is: the page, or the count for its total. */
  statement: 'page' | 'count';
  plan: PlanNode;
}

/**
 * For tests only: the plans PostgreSQL picks for the statements a search runs, built by the same
 * code as the search itself (search-sql.ts) with the same values, so a test can assert that a
 * query is answered from indexes. Not part of the Repository port: no request ever needs a plan.
 */
export async function explainSearch(db: Queryable, options: PostgresRepositoryOptions, query: SearchQuery): Promise<ExplainedStatement[]> {
  const { page, pageParams, count, countParams } = buildSearchSql(query, queryContext(options));
  const statements: [ExplainedStatement['statement'], string, unknown[]][] = [['page', page, pageParams]];
  if (query.total === 'accurate') statements.push(['count', count, countParams]);
  const explained: ExplainedStatement[] = [];
  for (const [statement, sql, params] of statements) {
    const rows = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] | string }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const json = rows[0]['QUERY PLAN'];
    // pg parses the json column; PGlite hands it over as text.
    const parsed = typeof json === 'string' ? (JSON.parse(json) as { Plan: PlanNode }[]) : json;
    explained.push({ statement, plan: parsed[0].Plan });
  }
  return explained;
}

/** Every node of a plan, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}
