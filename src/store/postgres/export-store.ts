import type { Resource } from '@medplum/fhirtypes';
import type { Deletion, ExportJob, ExportJobState, ExportStore } from '../export-store';
import type { Db } from './driver/db';

interface JobRow {
  id: string;
  owner: string;
  state: ExportJobState;
  request: Record<string, unknown>;
  transaction_time: string | Date;
  progress: Record<string, unknown>;
  manifest: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  created: string | Date;
  expires_at: string | Date | null;
}

const JOB_COLUMNS = 'id, owner, state, request, transaction_time, progress, manifest, error, created, expires_at';

/** The ExportStore over the store's database (migration 011): PGlite and PostgreSQL alike. */
export function createPostgresExportStore(db: Db): ExportStore {
  const one = async (sql: string, params: unknown[]): Promise<ExportJob | undefined> => {
    const [row] = await db.query<JobRow>(sql, params);
    return row ? toJob(row) : undefined;
  };
  const updated = async (sql: string, params: unknown[]): Promise<boolean> => (await db.query(sql, params)).length > 0;

  return {
    async create(job, transactionTime) {
      const created = await one(
        `INSERT INTO export_job (id, owner, state, request, transaction_time, snapshot_xmax)
         VALUES ($1, $2, 'queued', $3::jsonb, $4, pg_snapshot_xmax(pg_current_snapshot())::text) RETURNING ${JOB_COLUMNS}`,
        [job.id, job.owner, JSON.stringify(job.request), transactionTime],
      );
      return created as ExportJob;
    },

    get: (id) => one(`SELECT ${JOB_COLUMNS} FROM export_job WHERE id = $1`, [id]),

    claim: (holder, leaseMs) =>
      // A job recorded while other transactions ran waits until they have all ended (see create).
      one(
        `UPDATE export_job SET state = 'running', holder = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond'
         WHERE id = (SELECT id FROM export_job
           WHERE (state = 'queued' OR (state = 'running' AND lease_until < clock_timestamp()))
             AND pg_snapshot_xmin(pg_current_snapshot()) >= snapshot_xmax::xid8
           ORDER BY created LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING ${JOB_COLUMNS}`,
        [holder, leaseMs],
      ),

    saveProgress: (id, holder, progress, leaseMs) =>
      updated(
        `UPDATE export_job SET progress = $3::jsonb, lease_until = clock_timestamp() + $4 * interval '1 millisecond'
         WHERE id = $1 AND holder = $2 AND state = 'running' RETURNING id`,
        [id, holder, JSON.stringify(progress), leaseMs],
      ),

    async release(id, holder) {
      await db.query(`UPDATE export_job SET state = 'queued', holder = NULL, lease_until = NULL WHERE id = $1 AND holder = $2 AND state = 'running'`, [id, holder]);
    },

    finish: (id, holder, manifest, expiresAt) =>
      updated(
        `UPDATE export_job SET state = 'done', manifest = $3::jsonb, expires_at = $4, holder = NULL, lease_until = NULL
         WHERE id = $1 AND holder = $2 AND state = 'running' RETURNING id`,
        [id, holder, JSON.stringify(manifest), expiresAt],
      ),

    fail: (id, holder, error, expiresAt) =>
      updated(
        `UPDATE export_job SET state = 'failed', error = $3::jsonb, expires_at = $4, holder = NULL, lease_until = NULL
         WHERE id = $1 AND holder = $2 AND state = 'running' RETURNING id`,
        [id, holder, JSON.stringify(error), expiresAt],
      ),

    cancel: (id) =>
      updated(`UPDATE export_job SET state = 'cancelled', expires_at = clock_timestamp() WHERE id = $1 AND state <> 'cancelled' RETURNING id`, [id]),

    async disposable(now, limit) {
      const rows = await db.query<JobRow>(
        `SELECT ${JOB_COLUMNS} FROM export_job WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2`,
        [now, limit],
      );
      return rows.map(toJob);
    },

    async remove(id) {
      await db.query('DELETE FROM export_job WHERE id = $1', [id]);
    },

    async deletions(resourceType, since, asOf, limit, after) {
      // The deleted versions in (since, asOf] that are still the resource's version as of asOf (not
      // brought back before it), with the content of the version before each.
      const rows = await db.query<{ seq: string; id: string; last_updated: string | Date; before: Resource | null }>(
        `SELECT h.seq::text AS seq, h.id, h.last_updated, p.content AS before
         FROM resource_history h
         LEFT JOIN resource_history p ON p.resource_type = h.resource_type AND p.id = h.id AND p.version_id = h.version_id - 1
         WHERE h.resource_type = $1 AND h.deleted AND h.last_updated > $2 AND h.last_updated <= $3 AND h.seq > $4
           AND NOT EXISTS (SELECT 1 FROM resource_history n WHERE n.resource_type = h.resource_type AND n.id = h.id AND n.version_id > h.version_id AND n.last_updated <= $3)
         ORDER BY h.seq LIMIT $5`,
        [resourceType, since, asOf, after ?? '0', limit],
      );
      const deletions: Deletion[] = rows.map((row) => ({
        resourceType, id: row.id, deleted: iso(row.last_updated), ...(row.before ? { before: row.before } : {}),
      }));
      return { deletions, ...(rows.length === limit ? { next: rows[rows.length - 1].seq } : {}) };
    },
  };
}

function toJob(row: JobRow): ExportJob {
  return {
    id: row.id,
    owner: row.owner,
    state: row.state,
    request: row.request,
    transactionTime: iso(row.transaction_time),
    progress: row.progress,
    ...(row.manifest ? { manifest: row.manifest } : {}),
    ...(row.error ? { error: row.error } : {}),
    created: iso(row.created),
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
  };
}

function iso(value: string | Date): string {
  return new Date(value).toISOString();
}
