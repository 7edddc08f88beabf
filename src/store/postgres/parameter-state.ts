import { createHash } from 'node:crypto';
import { parameterKey, type IndexedParameter } from '../repository';
import { inDbTransaction, type Db, type Queryable } from './driver/db';
import { INDEX_TYPES } from './indexing';

/** A parameter with index rows of its own, and the hash of the definition they are extracted with. */
export interface ParameterDefinition {
  resource_type: string;
  code: string;
  definition_hash: string;
}

interface StateRow extends ParameterDefinition {
  complete: boolean;
}

/**
 * The migration since which each index table's rows have their current shape: 2 created the number
 * and quantity tables; 3 added to every table the composite element (`tuple`), and to token,
 * reference and quantity rows the identifier type, the reference's identifier and the UCUM base
 * units. Resources written before it lack those rows or columns, however long the server has
 * indexed the parameter since, so the parameter starts incomplete on a database that holds them.
 */
const TABLE_SINCE_MIGRATION: Readonly<Record<string, number>> = {
  idx_token: 3,
  idx_string: 3,
  idx_reference: 3,
  idx_uri: 3,
  idx_date: 3,
  idx_number: 3,
  idx_quantity: 3,
};

// Any constant shared by all Stroma processes: they record definitions one at a time.
const STATE_LOCK = 72_640_118;

/** What the rows of a parameter depend on: everything but its resource type and code. */
export function definitionOf(param: IndexedParameter): ParameterDefinition {
  const { resourceType, code, ...definition } = param;
  return { resource_type: resourceType, code, definition_hash: hashOf(definition) };
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('base64url').slice(0, 22);
}

/**
 * Records the parameters the index extracts from now on and returns the keys of those whose rows
 * are not complete. A parameter that is new, or whose definition changed, is complete only when no
 * resource of its type exists yet, or, the first time it is seen, when `assumeComplete` says the
 * server has always indexed it (and its table is as old as the resources). Rows of parameters no
 * longer indexed are forgotten, so a parameter defined again later starts incomplete.
 */
export async function recordParameters(
  db: Db,
  params: readonly IndexedParameter[],
  /** definitionOf each parameter, in the same order (the caller has them already). */
  definitions: readonly ParameterDefinition[],
  assumeComplete: (param: IndexedParameter) => boolean,
): Promise<Set<string>> {
  const definitionOfParam = new Map(params.map((p, i) => [p, definitions[i]]));
  return inDbTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [STATE_LOCK]);
    const rows = await tx.query<StateRow>('SELECT resource_type, code, definition_hash, complete FROM search_param_state');
    const recorded = new Map(rows.map((r) => [parameterKey(r.resource_type, r.code), r]));
    const wanted = new Set(params.map((p) => parameterKey(p.resourceType, p.code)));
    const changed = params.filter((p) => recorded.get(parameterKey(p.resourceType, p.code))?.definition_hash !== definitionOfParam.get(p)?.definition_hash);
    const withData = await typesWithResources(tx, changed.map((p) => p.resourceType));
    const trusted = new Set(changed.filter((p) => !recorded.has(parameterKey(p.resourceType, p.code)) && assumeComplete(p)));
    const predating = await typesPredatingTables(tx, [...trusted]);
    const upserts: StateRow[] = changed.map((p) => ({
      ...(definitionOfParam.get(p) as ParameterDefinition),
      complete: !withData.has(p.resourceType) || (trusted.has(p) && !predating.has(`${p.resourceType} ${INDEX_TYPES[p.type]?.table}`)),
    }));
    const removed = rows.filter((r) => !wanted.has(parameterKey(r.resource_type, r.code)));
    if (upserts.length > 0) await tx.query(UPSERT_SQL, [JSON.stringify(upserts)]);
    if (removed.length > 0) await tx.query(DELETE_SQL, [JSON.stringify(removed.map(({ resource_type, code }) => ({ resource_type, code })))]);
    const states = new Map([...recorded].filter(([key]) => wanted.has(key)));
    for (const row of upserts) states.set(parameterKey(row.resource_type, row.code), row);
    return new Set([...states].filter(([, row]) => !row.complete).map(([key]) => key));
  });
}

/** Marks complete those of `definitions` still recorded with the same hash; returns the keys of those that were not. */
export async function markComplete(db: Queryable, definitions: readonly ParameterDefinition[]): Promise<string[]> {
  if (definitions.length === 0) return [];
  const rows = await db.query<ParameterDefinition>(MARK_COMPLETE_SQL, [JSON.stringify(definitions)]);
  return rows.map((r) => parameterKey(r.resource_type, r.code));
}

/** The types among `types` with at least one current (not deleted) resource. */
async function typesWithResources(db: Queryable, types: string[]): Promise<Set<string>> {
  if (types.length === 0) return new Set();
  // One probe of the partial index (resource_type, last_updated) WHERE NOT deleted per type.
  const rows = await db.query<{ t: string }>(
    'SELECT t FROM unnest($1::text[]) AS t WHERE EXISTS (SELECT 1 FROM resource r WHERE r.resource_type = t AND NOT r.deleted)',
    [[...new Set(types)]],
  );
  return new Set(rows.map((r) => r.t));
}

/**
 * "type table" pairs where the oldest version of the type was written before the migration that
 * created the table. The timestamps come from two clocks (the server's for versions, the database's
 * for migrations), which matters only for writes within seconds of the migration.
 */
async function typesPredatingTables(db: Queryable, params: readonly IndexedParameter[]): Promise<Set<string>> {
  const pairs = params.flatMap((p) => {
    const table = INDEX_TYPES[p.type]?.table;
    return table && TABLE_SINCE_MIGRATION[table] ? [{ resource_type: p.resourceType, index_table: table, version: TABLE_SINCE_MIGRATION[table] }] : [];
  });
  if (pairs.length === 0) return new Set();
  const rows = await db.query<{ resource_type: string; index_table: string }>(
    `SELECT x.resource_type, x.index_table FROM json_to_recordset($1::json) AS x(resource_type text, index_table text, version int)
     JOIN schema_migrations m ON m.version = x.version
     WHERE (SELECT h.last_updated FROM resource_history h WHERE h.resource_type = x.resource_type ORDER BY h.seq LIMIT 1) < m.applied_at`,
    [JSON.stringify(pairs)],
  );
  return new Set(rows.map((r) => `${r.resource_type} ${r.index_table}`));
}

const UPSERT_SQL = `INSERT INTO search_param_state (resource_type, code, definition_hash, complete)
  SELECT resource_type, code, definition_hash, complete
  FROM json_to_recordset($1::json) AS x(resource_type text, code text, definition_hash text, complete boolean)
  ON CONFLICT (resource_type, code) DO UPDATE
  SET definition_hash = EXCLUDED.definition_hash, complete = EXCLUDED.complete, changed_at = now()`;

const DELETE_SQL = `DELETE FROM search_param_state s USING json_to_recordset($1::json) AS x(resource_type text, code text)
  WHERE s.resource_type = x.resource_type AND s.code = x.code`;

const MARK_COMPLETE_SQL = `UPDATE search_param_state s SET complete = true, changed_at = now()
  FROM json_to_recordset($1::json) AS x(resource_type text, code text, definition_hash text)
  WHERE s.resource_type = x.resource_type AND s.code = x.code AND s.definition_hash = x.definition_hash AND NOT s.complete
  RETURNING s.resource_type, s.code`;

/** JSON with object keys sorted at every level, so equal definitions hash equally. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
