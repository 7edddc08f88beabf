import type { Resource } from '@medplum/fhirtypes';
import type { StoredVersion, WriteMethod } from '../repository';
import type { Queryable } from './driver/db';
import { ALL_INDEX_TYPES } from './indexing';
import type { Indexer } from './indexing/indexer';
import { indexColumns, indexRecordColumns, indexRowObject } from './index-rows';
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

const TABLES = ALL_INDEX_TYPES;

/**
 * Writes any number of versions — current rows, history rows, index rows — in ONE statement of
 * fixed text: one round trip however many resources a transaction Bundle holds, and a statement
 * PostgreSQL plans once per connection. Returns each version's rid, in order.
 *
 * The versions, and the rows of each index table, each go as one JSON array of objects that
 * PostgreSQL reads with json_to_recordset: one parse of the whole parameter, where text arrays
 * cost an escaping pass on both sides and `->>` on json re-reads the element for every field.
 */
export async function writeVersions(db: Queryable, indexer: Indexer, versions: PendingVersion[]): Promise<number[]> {
  const input = versions.map((v, i) => ({
    ord: i + 1,
    resource_type: v.resourceType,
    id: v.id,
    version_id: v.versionId,
    last_updated: v.lastUpdated,
    content: v.resource ?? null,
    prev_rid: v.previous?.rid ?? null,
    prev_version: v.previous?.versionId ?? null,
    method: v.method,
    deleted: v.deleted,
  }));
  const indexRows = new Map(TABLES.map((t) => [t, [] as Record<string, unknown>[]]));
  versions.forEach((v, i) => {
    if (!v.resource) return;
    for (const [index, rows] of indexer.rowsFor(v.resource)) {
      const objects = indexRows.get(index) as Record<string, unknown>[];
      for (const row of rows) {
        objects.push(indexRowObject(index, row, { ord: i + 1 }));
      }
    }
  });
  const params: unknown[] = [JSON.stringify(input)];
  for (const index of TABLES) {
    params.push(JSON.stringify(indexRows.get(index)));
  }
  const replaces = versions.some((v) => v.previous);
  if (replaces) params.push(versions.flatMap((v) => (v.previous ? [v.previous.rid] : [])));
  const rows = replaces
    ? await db.query<{ ord: number; rid: number }>(REPLACE_SQL, params, 'stroma_replace_versions')
    : await db.query<{ ord: number; rid: number }>(CREATE_SQL, params, 'stroma_create_versions');
  if (rows.length !== versions.length) {
    const lost = versions.find((_, ord) => !rows.some((r) => r.ord === ord + 1)) as PendingVersion;
    throw new VersionConflictError(`${lost.resourceType}/${lost.id} changed since version ${lost.previous?.versionId}`);
  }
  return rows.sort((a, b) => a.ord - b.ord).map((r) => r.rid);
}

/** With `replaces`, old index rows are deleted first (the replaced rids are the last parameter). */
function buildWriteSql(replaces: boolean): string {
  const replacedRids = `$${TABLES.length + 2}::bigint[]`;
  const indexCtes = TABLES.map((index, t) => {
    const columns = indexColumns(index);
    const record = indexRecordColumns(index, ['ord int']);
    // The replaced versions' rids come as their own array: "= ANY" of an array plans as an index
    // probe, where a subquery over the input could plan as a scan of the whole index table.
    const remove = replaces ? `d_${index.table} AS (DELETE FROM ${index.table} WHERE rid = ANY(${replacedRids})),\n      ` : '';
    return `${remove}i_${index.table} AS (INSERT INTO ${index.table} (rid, resource_type, ${columns.join(', ')})
        SELECT r.rid, r.resource_type, ${columns.map((c) => `x.${c}`).join(', ')}
        FROM json_to_recordset($${t + 2}::json) AS x(${record})
        JOIN r ON r.ord = x.ord)`;
  });
  return `WITH input AS (
      -- content becomes jsonb once here, not once per table it is written to
      SELECT * FROM json_to_recordset($1::json) AS t(ord int, resource_type text, id text, version_id bigint,
        last_updated timestamptz, content jsonb, prev_rid bigint, prev_version bigint, method text, deleted boolean)),
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
    SELECT ord, rid FROM r`;
}

const UPDATE_CTE = `upd AS (UPDATE resource t SET version_id = i.version_id, last_updated = i.last_updated, deleted = i.deleted, content = i.content
      FROM input i WHERE i.prev_rid IS NOT NULL AND t.rid = i.prev_rid AND t.version_id = i.prev_version
      RETURNING t.rid, t.resource_type, t.id),`;
const CREATE_SQL = buildWriteSql(false);
const REPLACE_SQL = buildWriteSql(true);
