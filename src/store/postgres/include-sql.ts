import type { IncludeQuery, IncludeRequest, ResourceKey } from '../repository';
import type { QueryContext } from './indexing/index-type';
import { SqlParams } from './sql-params';

/**
 * One statement for every _include and _revinclude of one round, whatever the number of resources:
 * the resources and the (parameter, target type) pairs go in as arrays read by unnest.
 *
 * Forward: from each resource's rid through idx_reference_rid to its reference rows, then to the
 * targets by primary key. Reverse: an idx_reference_lookup probe per (pair, resource), all four
 * key columns given, then the referring resource by rid. Either way PostgreSQL starts from the
 * few resources of the page, never from the index tables as a whole. `query.requests` must not be
 * empty (the reader answers such a query without SQL).
 */
export function buildIncludeSql(query: IncludeQuery, ctx: QueryContext): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const from = keyArrays(query.from, params);
  const branches: string[] = [];
  const forward = pairArrays(query.requests.filter((r) => r.direction === 'forward'), ctx, params);
  if (forward) {
    branches.push(`SELECT t.rid FROM unnest(${from}) AS k(resource_type, id)
        JOIN resource s ON s.resource_type = k.resource_type AND s.id = k.id
        JOIN idx_reference i ON i.rid = s.rid
        JOIN unnest(${forward}) AS p(source_type, param, target_type)
          ON p.source_type = i.resource_type AND p.param = i.param AND (p.target_type IS NULL OR p.target_type = i.target_type)
        JOIN resource t ON t.resource_type = i.target_type AND t.id = i.target_id`);
  }
  const reverse = pairArrays(query.requests.filter((r) => r.direction === 'reverse'), ctx, params);
  if (reverse) {
    branches.push(`SELECT i.rid FROM unnest(${from}) AS k(resource_type, id)
        JOIN unnest(${reverse}) AS p(source_type, param, target_type) ON p.target_type = k.resource_type
        JOIN idx_reference i ON i.resource_type = p.source_type AND i.param = p.param
          AND i.target_id = k.id AND i.target_type = k.resource_type`);
  }
  const sql = `SELECT t.content FROM resource t
    WHERE t.rid IN (${branches.join(' UNION ALL ')}) AND NOT t.deleted
      AND (t.resource_type, t.id) NOT IN (SELECT * FROM unnest(${keyArrays(query.exclude, params)}))
    ORDER BY t.rid LIMIT ${params.add(query.limit)}`;
  return { sql, params: params.values };
}

function keyArrays(keys: ResourceKey[], params: SqlParams): string {
  return `${params.add(keys.map((k) => k.resourceType))}::text[], ${params.add(keys.map((k) => k.id))}::text[]`;
}

/** (source type, stored parameter code, target type or NULL) arrays, or undefined when there are none. */
function pairArrays(requests: IncludeRequest[], ctx: QueryContext, params: SqlParams): string | undefined {
  const rows = requests.flatMap(({ param, targetType }) =>
    ctx.storedCodes(param.resourceType, param.code).map((code) => [param.resourceType, code, targetType ?? null]),
  );
  if (rows.length === 0) {
    return undefined;
  }
  const column = (c: number) => `${params.add(rows.map((row) => row[c]))}::text[]`;
  return `${column(0)}, ${column(1)}, ${column(2)}`;
}
