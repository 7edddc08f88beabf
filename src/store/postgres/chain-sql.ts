import type { AnyOfFilter, ChainedFilter, QueryFilter, ReverseChainedFilter } from '../repository';
import { filterRidsSql, filterSql, paramRows } from './filter-sql';
import type { QueryContext } from './indexing/index-type';
import type { SqlParams } from './sql-params';

/**
 * A WHERE condition over resource alias `r` for any filter: a plain parameter, a chain, `_has`, or
 * any of several.
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
  switch (filter.kind) {
    case 'chain':
      return chainSql(filter, params, ctx);
    case 'has':
      return reverseChainSql(filter, params, ctx);
    case 'any':
      return anyOfSql(filter, params, ctx);
  }
}

/** The resources whose reference leads to a current target meeting the target's filter. */
function chainSql(filter: ChainedFilter, params: SqlParams, ctx: QueryContext): string {
  return `r.rid IN (${chainRidsSql(filter, params, ctx)})`;
}

/** The rids of a chain's referring resources: one link per target type. */
function chainRidsSql(filter: ChainedFilter, params: SqlParams, ctx: QueryContext): string {
  const { reference } = filter;
  const links = filter.targets.map(
    ({ resourceType, filter: next }) =>
      `SELECT i.rid FROM idx_reference i JOIN resource r ON r.resource_type = i.target_type AND r.id = i.target_id
        WHERE ${paramRows(reference, [reference.resourceType], params, ctx)}
        AND i.target_type = ${params.add(resourceType)} AND NOT r.deleted AND ${conditionSql(next, params, ctx)}`,
  );
  return links.join(' UNION ALL ');
}

/** The ids referred to, through the reference parameter, by current resources meeting the filter. */
function reverseChainSql(filter: ReverseChainedFilter, params: SqlParams, ctx: QueryContext): string {
  const { reference } = filter;
  return `r.id IN (SELECT i.target_id FROM idx_reference i JOIN resource r ON r.rid = i.rid
      WHERE ${paramRows(reference, [reference.resourceType], params, ctx)}
      AND i.target_type = ${params.add(filter.targetType)} AND NOT r.deleted AND ${conditionSql(filter.filter, params, ctx)})`;
}

/**
 * The resources meeting any of the filters, as one uncorrelated `IN` over a UNION ALL of the rids
 * each filter yields. Written as `a OR b`, the conditions would stay correlated subplans that
 * PostgreSQL tests row by row against every candidate of the searched type (a scan of all of them
 * when the OR is the only selective condition); as a union, each branch is planned on its own from
 * its index (a parameter's lookup rows; a chain from its selective end), and the union joins the
 * rest of the query as a chain does.
 */
function anyOfSql(filter: AnyOfFilter, params: SqlParams, ctx: QueryContext): string {
  return `r.rid IN (${ridsSql(filter, params, ctx)})`;
}

/**
 * The rids of the resources meeting a filter (deleted ones may be among them: the enclosing query
 * excludes those). Plain parameters and chains read them from the index rows alone; the others
 * (`_has`, :missing, negations, _id) test the resources of the filter's type.
 */
function ridsSql(filter: QueryFilter, params: SqlParams, ctx: QueryContext): string {
  if (!('kind' in filter)) {
    const direct = filterRidsSql(filter, params, ctx);
    // _id and _lastUpdated have no type of their own: the enclosing query's type condition restricts them.
    const types = typeof filter.param === 'string' ? undefined : (filter.resourceTypes ?? [filter.param.resourceType]);
    return direct ?? resourcesMeeting(filter, types, params, ctx);
  }
  switch (filter.kind) {
    case 'any':
      return filter.filters.map((branch) => ridsSql(branch, params, ctx)).join(' UNION ALL ');
    case 'chain':
      return chainRidsSql(filter, params, ctx);
    case 'has':
      // A `_has` matches by id, which only the type makes unique.
      return resourcesMeeting(filter, [filter.targetType], params, ctx);
  }
}

/** The rids of the resources of these types (any type when undefined) meeting the filter, tested row by row. */
function resourcesMeeting(filter: QueryFilter, types: readonly string[] | undefined, params: SqlParams, ctx: QueryContext): string {
  const ofType = types === undefined ? '' : `r.resource_type = ANY(${params.add(types)}::text[]) AND `;
  return `SELECT r.rid FROM resource r WHERE ${ofType}${conditionSql(filter, params, ctx)}`;
}
