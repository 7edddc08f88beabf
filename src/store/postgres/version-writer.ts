import type { Resource } from '@medplum/fhirtypes';
import type { StoredVersion, WriteMethod } from '../repository';
import type { Queryable } from './driver/db';
import { INDEX_TABLES } from './indexing';
import type { Indexer } from './indexing/indexer';
import type { LocatedVersion } from './rows';
import { SqlParams } from './sql-params';

export class VersionConflictError extends Error {}

/**
 * Writes one version — the current row, its history row and its index rows — in a single SQL
 * statement, so a write costs one round trip and can never be half applied.
 */
export async function writeVersion(
  db: Queryable,
  indexer: Indexer,
  resource: Resource,
  method: WriteMethod,
  previous: LocatedVersion | undefined,
): Promise<LocatedVersion> {
  const versionId = (previous?.versionId ?? 0) + 1;
  const lastUpdated = nextTimestamp(previous);
  const id = resource.id as string;
  const { resourceType, meta, ...rest } = resource;
  const stored = { resourceType, id, meta: { ...meta, versionId: String(versionId), lastUpdated }, ...rest } as Resource;
  const params = new SqlParams();
  const type = params.add(resource.resourceType);
  const idParam = params.add(id);
  const version = params.add(versionId);
  const updated = params.add(lastUpdated);
  const content = params.add(JSON.stringify(stored));
  const upsert = previous
    ? `UPDATE resource SET version_id = ${version}, last_updated = ${updated}, deleted = false, content = ${content}::jsonb
       WHERE rid = ${params.add(previous.rid)} AND version_id = ${params.add(previous.versionId)} RETURNING rid`
    : `INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content)
       VALUES (${type}, ${idParam}, ${version}, ${updated}, false, ${content}::jsonb) RETURNING rid`;
  const ctes = [
    `r AS (${upsert})`,
    `h AS (INSERT INTO resource_history (rid, resource_type, id, version_id, last_updated, method, deleted, content)
       SELECT rid, ${type}, ${idParam}, ${version}, ${updated}, ${params.add(method)}, false, ${content}::jsonb FROM r)`,
    ...(previous ? clearIndexCtes() : []),
    ...indexInsertCtes(indexer, stored, type, params),
  ];
  const rows = await db.query<{ rid: number }>(`WITH ${ctes.join(',\n')} SELECT rid FROM r`, params.values);
  return located(rows, previous, { resourceType: resource.resourceType, id, versionId, lastUpdated, method, deleted: false, resource: stored });
}

/** Records a deletion: a tombstone version, and no index rows, so searches stop finding it. */
export async function writeTombstone(db: Queryable, previous: LocatedVersion): Promise<LocatedVersion> {
  const versionId = previous.versionId + 1;
  const lastUpdated = nextTimestamp(previous);
  const params = new SqlParams();
  const rid = params.add(previous.rid);
  const version = params.add(versionId);
  const updated = params.add(lastUpdated);
  const sql = `WITH r AS (
      UPDATE resource SET version_id = ${version}, last_updated = ${updated}, deleted = true, content = NULL
      WHERE rid = ${rid} AND version_id = ${params.add(previous.versionId)} RETURNING rid, resource_type, id),
    h AS (INSERT INTO resource_history (rid, resource_type, id, version_id, last_updated, method, deleted, content)
      SELECT rid, resource_type, id, ${version}, ${updated}, 'DELETE', true, NULL FROM r),
    ${clearIndexCtes().join(',\n')}
    SELECT rid FROM r`;
  const rows = await db.query<{ rid: number }>(sql, params.values);
  const { resourceType, id } = previous;
  return located(rows, previous, { resourceType, id, versionId, lastUpdated, method: 'DELETE', deleted: true });
}

function located(rows: { rid: number }[], previous: StoredVersion | undefined, version: StoredVersion): LocatedVersion {
  if (rows.length !== 1) {
    throw new VersionConflictError(`${version.resourceType}/${version.id} changed since version ${previous?.versionId}`);
  }
  return { ...version, rid: rows[0].rid };
}

function clearIndexCtes(): string[] {
  return INDEX_TABLES.map((table) => `d_${table} AS (DELETE FROM ${table} WHERE rid IN (SELECT rid FROM r))`);
}

function indexInsertCtes(indexer: Indexer, resource: Resource, type: string, params: SqlParams): string[] {
  const ctes: string[] = [];
  for (const [index, rows] of indexer.rowsFor(resource)) {
    const columns = ['param', ...index.columns];
    const arrays = columns.map((column, i) => {
      const sqlType = column === 'low' || column === 'high' ? 'timestamptz' : 'text';
      return `${params.add(rows.map((row) => row[i]))}::${sqlType}[]`;
    });
    ctes.push(
      `i_${index.table} AS (INSERT INTO ${index.table} (rid, resource_type, ${columns.join(', ')})
         SELECT r.rid, ${type}, x.* FROM r, unnest(${arrays.join(', ')}) AS x)`,
    );
  }
  return ctes;
}

/** Now, but never earlier than the previous version, so history stays in order despite clock steps. */
function nextTimestamp(previous: StoredVersion | undefined): string {
  const now = Date.now();
  const floor = previous ? Date.parse(previous.lastUpdated) + 1 : 0;
  return new Date(Math.max(now, floor)).toISOString();
}
