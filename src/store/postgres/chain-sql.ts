import type { ChainedFilter, QueryFilter, ReverseChainedFilter } from '../repository';
import { filterSql, paramCondition } from './filter-sql';
import type { QueryContext } from './indexing/index-type';
import type { SqlParams } from './sql-params';

/**
 * A WHERE condition over resource alias `r` for any filter: a plain parameter, a chain or `_has`.
 *
 * Chains and `_has` are uncorrelated `IN` subqueries in which the linked resource is again called
 * `r`, so the filter of the next link compiles exactly like a top-level one, at any depth. Being
 * uncorrelated, each becomes a semi-join that PostgreSQL may drive from either side: from the
 * selective end of the chain (the one Patient with an identifier, then its Observations through
 * the idx_reference lookup index), rather than testing every candidate of the searched type.
 */
export function conditionSql(filter: QueryFilter, params: SqlParams, ctx: QueryContext): string {
  if (!('kind' in filter)) {
    return filterSql(filter, params, ctx);
  }
  return filter.kind === 'chain' ? chainSql(filter, params, ctx) : reverseChainSql(filter, params, ctx);
}

/** The rids of resources whose reference leads to a current target meeting the target's filter. */
function chainSql(filter: ChainedFilter, params: SqlParams, ctx: QueryContext): string {
  const { reference } = filter;
  const links = filter.targets.map(
    ({ resourceType, filter: next }) =>
      `SELECT i.rid FROM idx_reference i JOIN resource r ON r.resource_type = i.target_type AND r.id = i.target_id
        WHERE i.resource_type = ${params.add(reference.resourceType)} AND ${paramCondition(reference, params, ctx)}
        AND i.target_type = ${params.add(resourceType)} AND NOT r.deleted AND ${conditionSql(next, params, ctx)}`,
  );
  return `r.rid IN (${links.join(' UNION ALL ')})`;
}

/** The ids referred to, through the reference parameter, by current resources meeting the filter. */
function reverseChainSql(filter: ReverseChainedFilter, params: SqlParams, ctx: QueryContext): string {
  const { reference } = filter;
  return `r.id IN (SELECT i.target_id FROM idx_reference i JOIN resource r ON r.rid = i.rid
      WHERE i.resource_type = ${params.add(reference.resourceType)} AND ${paramCondition(reference, params, ctx)}
      AND i.target_type = ${params.add(filter.targetType)} AND NOT r.deleted AND ${conditionSql(filter.filter, params, ctx)})`;
}
