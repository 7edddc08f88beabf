import type { Resource } from '@medplum/fhirtypes';
import type { StoredVersion, WriteMethod } from '../repository';
import type { Queryable } from './driver/db';
import { INDEX_TYPES } from './indexing';
import type { Indexer } from './indexing/indexer';
import type { LocatedVersion } from './rows';

export class VersionConflictError extends Error {}

/** A version computed in memory, waiting to be written; rid is known only for existing resources. */
export interface PendingVersion extends StoredVersion {
  method: WriteMethod;
  rid?: number;
  previous?: LocatedVersion;
}

/** The next version of a resource: meta set by the server, never earlier than the previous one. */
export function nextVersion(resource: Resource | undefined, method: WriteMethod, previous: LocatedVersion | undefined, id: string, type: string): PendingVersion {
  const versionId = (previous?.versionId ?? 0) + 1;
  const lastUpdated = new Date(Math.max(Date.now(), previous ? Date.parse(previous.lastUpdated) + 1 : 0)).toISOString();
  let stored: Resource | undefined;
  if (resource) {
    const { resourceType, meta, ...rest } = resource;
    stored = { resourceType, id, meta: { ...meta, versionId: String(versionId), lastUpdated }, ...rest } as Resource;
  }
  return { resourceType: type, id, versionId, lastUpdated, method, deleted: !resource, resource: stored, previous };
}

const TABLES = Object.values(INDEX_TYPES);

/**
 * Writes any number of versions — current rows, history rows, index rows — in ONE statement of
 * fixed text: one round trip however many resources a transaction Bundle holds, and a statement
 * PostgreSQL plans once per connection. Returns each version's rid, in order.
 */
export async function writeVersions(db: Queryable, indexer: Indexer, versions: PendingVersion[]): Promise<number[]> {
  const column = <T>(pick: (v: PendingVersion) => T) => versions.map(pick);
  const params: unknown[] = [
    column((v) => v.resourceType),
    column((v) => v.id),
    column((v) => v.versionId),
    column((v) => v.lastUpdated),
    column((v) => (v.resource ? JSON.stringify(v.resource) : null)),
    column((v) => v.previous?.rid ?? null),
    column((v) => v.previous?.versionId ?? null),
    column((v) => v.method),
    column((v) => v.deleted),
    versions.flatMap((v) => (v.previous ? [v.previous.rid] : [])),
  ];
  const indexRows = new Map(TABLES.map((t) => [t, [] as unknown[][]]));
  versions.forEach((v, ord) => {
    if (!v.resource) return;
    for (const [index, rows] of indexer.rowsFor(v.resource)) {
      for (const row of rows) (indexRows.get(index) as unknown[][]).push([ord, ...row]);
    }
  });
  // One JSON parameter per index table: PostgreSQL parses one json text instead of an array per column.
  for (const index of TABLES) {
    params.push(JSON.stringify(indexRows.get(index)));
  }
  const replaces = versions.some((v) => v.previous);
  const rows = replaces
    ? await db.query<{ ord: number; rid: number }>(REPLACE_SQL, params, 'stroma_replace_versions')
    : await db.query<{ ord: number; rid: number }>(CREATE_SQL, params.slice(0, 9).concat(params.slice(10)), 'stroma_create_versions');
  if (rows.length !== versions.length) {
    const lost = versions.find((_, ord) => !rows.some((r) => r.ord === ord + 1)) as PendingVersion;
    throw new VersionConflictError(`${lost.resourceType}/${lost.id} changed since version ${lost.previous?.versionId}`);
  }
  return rows.sort((a, b) => a.ord - b.ord).map((r) => r.rid);
}

/** With `replaces`, old index rows are deleted first; pure creates skip that, and its $10. */
function buildWriteSql(replaces: boolean): string {
  let n = replaces ? 10 : 9;
  const indexCtes = TABLES.map((index) => {
    const columns = ['param', ...index.columns];
    const rowsParam = `$${++n}::json`;
    const fields = columns.map((c, i) => `(e->>${i + 1})${c === 'low' || c === 'high' ? '::timestamptz' : ''} AS ${c}`);
    // The replaced versions' rids come as their own array ($10): "= ANY" of an empty array plans as an
    // index probe, where a subquery over the input could plan as a scan of the whole index table.
    const remove = replaces ? `d_${index.table} AS (DELETE FROM ${index.table} WHERE rid = ANY($10::bigint[])),\n      ` : '';
    return `${remove}i_${index.table} AS (INSERT INTO ${index.table} (rid, resource_type, ${columns.join(', ')})
        SELECT r.rid, r.resource_type, ${columns.map((c) => `x.${c}`).join(', ')}
        FROM (SELECT (e->>0)::int AS ord, ${fields.join(', ')} FROM json_array_elements(${rowsParam}) e) x
        JOIN r ON r.ord = x.ord + 1)`;
  });
  return `WITH input AS (
      -- content is parsed to jsonb once here, not once per table it is written to
      SELECT resource_type, id, version_id, last_updated, content::jsonb AS content, prev_rid, prev_version, method, deleted, ord
      FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::boolean[])
        WITH ORDINALITY AS t(resource_type, id, version_id, last_updated, content, prev_rid, prev_version, method, deleted, ord)),
    ins AS (INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content)
      SELECT resource_type, id, version_id, last_updated, deleted, content FROM input WHERE prev_rid IS NULL ORDER BY ord
      RETURNING rid, resource_type, id),
    ${replaces ? UPDATE_CTE : ''}
    r AS (SELECT w.rid, w.resource_type, i.ord FROM (${replaces ? 'SELECT * FROM ins UNION ALL SELECT * FROM upd' : 'SELECT * FROM ins'}) w
      JOIN input i ON i.resource_type = w.resource_type AND i.id = w.id),
    h AS (INSERT INTO resource_history (rid, resource_type, id, version_id, last_updated, method, deleted, content)
      SELECT r.rid, i.resource_type, i.id, i.version_id, i.last_updated, i.method, i.deleted, i.content
      FROM input i JOIN r ON r.ord = i.ord ORDER BY i.ord),
    ${indexCtes.join(',\n    ')}
    SELECT ord::int AS ord, rid FROM r`;
}

const UPDATE_CTE = `upd AS (UPDATE resource t SET version_id = i.version_id, last_updated = i.last_updated, deleted = i.deleted, content = i.content
      FROM input i WHERE i.prev_rid IS NOT NULL AND t.rid = i.prev_rid AND t.version_id = i.prev_version
      RETURNING t.rid, t.resource_type, t.id),`;
const CREATE_SQL = buildWriteSql(false);
const REPLACE_SQL = buildWriteSql(true);
