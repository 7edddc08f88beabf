import type { IncludeQuery, SearchQuery } from '../repository';
import { buildIncludeSql } from './include-sql';
import type { Queryable } from './driver/db';
import { buildIndexing } from './indexing/build-indexing';
import type { PostgresRepositoryOptions } from './postgres-repository';
import { countSql, queryPlan, type PlanNode } from './search-page';
import { buildSearchSql } from './search-sql';

export interface ExplainedStatement {
  /** Which of the search's statements this is: the page, or the count for its total. */
  statement: 'page' | 'count' | 'include';
  plan: PlanNode;
}

/**
 * For tests only: the plans PostgreSQL picks for the statements a search runs, built by the same
 * code as the search itself (search-sql.ts) with the same values, so a test can assert that a
 * query is answered from indexes. Not part of the Repository port: no request ever needs a plan.
 */
export async function explainSearch(db: Queryable, options: PostgresRepositoryOptions, query: SearchQuery): Promise<ExplainedStatement[]> {
  const sql = buildSearchSql(query, buildIndexing(options.parameters, options.baseUrl).ctx);
  const explained: ExplainedStatement[] = [{ statement: 'page', plan: await queryPlan(db, sql.page, sql.pageParams) }];
  if (query.total === 'accurate') {
    explained.push({ statement: 'count', plan: await queryPlan(db, countSql(sql), sql.matchParams) });
  }
  return explained;
}

/** Every node of a plan, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** For tests only: the plan of the statement that fetches one round of _include/_revinclude. */
export async function explainInclude(db: Queryable, options: PostgresRepositoryOptions, query: IncludeQuery): Promise<ExplainedStatement> {
  const { sql, params } = buildIncludeSql(query, buildIndexing(options.parameters, options.baseUrl).ctx);
  return { statement: 'include', plan: await queryPlan(db, sql, params) };
}
