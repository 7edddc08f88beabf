import type { Resource } from '@medplum/fhirtypes';
import type { ReindexOptions, ReindexResult } from '../repository';
import { inDbTransaction, type Db, type Queryable } from './driver/db';
import { indexColumns, indexRecordColumns, indexRowObject } from './index-rows';
import { ALL_INDEX_TYPES } from './indexing';
import type { Indexer } from './indexing/indexer';
import { hashOf, markComplete, type ParameterDefinition } from './parameter-state';

const DEFAULT_BATCH_SIZE = 500;
const TABLES = ALL_INDEX_TYPES;

interface Job {
  id: number;
  last_rid: number;
  done_rid: number;
  done_count: number;
  total: number;
}

/**
 * Rebuilds the index rows of stored resources in rid order, one transaction per batch: a batch
 * locks its resources (a concurrent update waits, so it cannot be overwritten by older content),
 * deletes their rows and writes them again from the current content with the indexer's parameters,
 * and records how far the run has come. Stopping at any point therefore leaves every resource
 * with either its old rows or its new ones, and a later run with the same types and definitions
 * continues where this one stopped.
 *
 * The run covers the resources that exist when it starts; later writes are indexed by the writer.
 * Once it has covered them all, the parameters it rebuilt are marked complete, unless their
 * definition changed meanwhile.
 */
export async function runReindex(db: Db, indexer: Indexer, definitions: readonly ParameterDefinition[], options: ReindexOptions = {}): Promise<ReindexResult> {
  const types = options.resourceTypes?.length ? [...new Set(options.resourceTypes)].sort() : null;
  const covered = definitions.filter((d) => !types || types.includes(d.resource_type));
  const definitionsHash = hashOf(covered);
  const resumable = options.restart ? undefined : await findResumable(db, types, definitionsHash);
  const job = resumable ?? (await startJob(db, types, definitionsHash));
  const report = (finished: boolean) => ({ done: job.done_count, total: job.total, resumed: resumable !== undefined, finished });
  options.onProgress?.(report(false));
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let finished = job.done_rid >= job.last_rid;
  while (!finished && !options.signal?.aborted) {
    finished = await rebuildBatch(db, indexer, job, types, batchSize);
    options.onProgress?.(report(false));
  }
  if (!finished) {
    return { ...report(false), completed: [] };
  }
  const completed = await inDbTransaction(db, async (tx) => {
    await tx.query('UPDATE reindex_job SET finished_at = now() WHERE id = $1', [job.id]);
    return markComplete(tx, covered);
  });
  return { ...report(true), completed };
}

async function findResumable(db: Queryable, types: string[] | null, definitionsHash: string): Promise<Job | undefined> {
  const rows = await db.query<Job>(
    `SELECT id, last_rid, done_rid, done_count, total FROM reindex_job
     WHERE finished_at IS NULL AND definitions_hash = $1 AND resource_types IS NOT DISTINCT FROM $2::text[]
     ORDER BY id DESC LIMIT 1`,
    [definitionsHash, types],
  );
  return rows[0];
}

async function startJob(db: Queryable, types: string[] | null, definitionsHash: string): Promise<Job> {
  const rows = await db.query<Job>(
    `WITH bounds AS (SELECT coalesce(max(rid), 0) AS last_rid FROM resource),
       total AS (SELECT count(*) AS total FROM resource WHERE $2::text[] IS NULL OR resource_type = ANY($2::text[]))
     INSERT INTO reindex_job (resource_types, definitions_hash, last_rid, total)
     SELECT $2::text[], $1, bounds.last_rid, total.total FROM bounds, total
     RETURNING id, last_rid, done_rid, done_count, total`,
    [definitionsHash, types],
  );
  return rows[0];
}

/** Rebuilds the next batch in one transaction and advances `job`; true once the run has covered everything. */
async function rebuildBatch(db: Db, indexer: Indexer, job: Job, types: string[] | null, batchSize: number): Promise<boolean> {
  const next = await inDbTransaction(db, async (tx) => {
    const rows = await tx.query<{ rid: number; resource_type: string; content: Resource | null }>(
      `SELECT rid, resource_type, content FROM resource
       WHERE rid > $1 AND rid <= $2 AND ($3::text[] IS NULL OR resource_type = ANY($3::text[]))
       ORDER BY rid LIMIT $4 FOR UPDATE`,
      [job.done_rid, job.last_rid, types, batchSize],
    );
    if (rows.length === 0) {
      await tx.query('UPDATE reindex_job SET done_rid = last_rid WHERE id = $1', [job.id]);
      return { doneRid: job.last_rid, count: 0 };
    }
    await tx.query(REBUILD_SQL, rebuildParams(indexer, rows));
    const doneRid = rows.length < batchSize ? job.last_rid : rows[rows.length - 1].rid;
    await tx.query('UPDATE reindex_job SET done_rid = $2, done_count = done_count + $3 WHERE id = $1', [job.id, doneRid, rows.length]);
    return { doneRid, count: rows.length };
  });
  job.done_rid = next.doneRid;
  job.done_count += next.count;
  return job.done_rid >= job.last_rid;
}

function rebuildParams(indexer: Indexer, resources: { rid: number; resource_type: string; content: Resource | null }[]): unknown[] {
  const byTable = new Map(TABLES.map((t) => [t, [] as Record<string, unknown>[]]));
  for (const { rid, resource_type, content } of resources) {
    if (!content) continue; // a deleted resource keeps no index rows
    for (const [index, rows] of indexer.rowsFor(content)) {
      const objects = byTable.get(index) as Record<string, unknown>[];
      for (const row of rows) objects.push(indexRowObject(index, row, { rid, resource_type }));
    }
  }
  return [resources.map((r) => r.rid), ...TABLES.map((t) => JSON.stringify(byTable.get(t)))];
}

/**
 * One statement per batch: every table's rows of the batch deleted and written again. Sub-statements
 * of a WITH share one snapshot, so each DELETE removes only the rows that existed before.
 */
const REBUILD_SQL = `WITH ${TABLES.map((index, t) => {
  const columns = indexColumns(index);
  return `d_${index.table} AS (DELETE FROM ${index.table} WHERE rid = ANY($1::bigint[])),
  i_${index.table} AS (INSERT INTO ${index.table} (rid, resource_type, ${columns.join(', ')})
    SELECT x.rid, x.resource_type, ${columns.map((c) => `x.${c}`).join(', ')}
    FROM json_to_recordset($${t + 2}::json) AS x(${indexRecordColumns(index, ['rid bigint', 'resource_type text'])}))`;
}).join(',\n  ')}
SELECT 1`;
