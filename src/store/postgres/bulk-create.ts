import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { BulkCreateOptions } from '../repository';
import type { Queryable } from './driver/db';
import { ALL_INDEX_TYPES } from './indexing';
import type { Indexer } from './indexing/indexer';
import { nextVersion, writeVersions, type PendingVersion } from './version-writer';

/**
 * Resources per statement: enough that a statement's fixed cost (round trip, planning, commit) is
 * noise. Loading 100,000 Observations on the 2-core bench machine, 250, 1,000 and 2,000 per statement
 * differed by less than runs of one size did; 1,000 keeps each JSON parameter to a few MB.
 */
const BATCH_SIZE = 1000;

/**
 * Statements at once. writeVersions extracts a batch's index rows (CPU in Node) before it sends
 * the statement, so with two in flight Node prepares the next batch while PostgreSQL writes the
 * previous one; more would only queue on the two cores.
 */
const IN_FLIGHT = 2;

/** The tables a load fills: their statistics are refreshed afterwards (see analyze()). */
const LOADED_TABLES = ['resource', 'resource_history', ...ALL_INDEX_TYPES.map((index) => index.table)];

/**
 * Repository.bulkCreate: new resources in batches of BATCH_SIZE, each batch one autocommitted
 * statement of writeVersions, the statement every create goes through, so a loaded resource has
 * exactly the rows a POST would have given it.
 */
export async function bulkCreate(
  db: Queryable,
  indexer: Indexer,
  resources: Iterable<Resource> | AsyncIterable<Resource>,
  options: BulkCreateOptions = {},
): Promise<number> {
  let written = 0;
  let failure: { error: unknown } | undefined;
  const running = new Set<Promise<void>>();
  const send = (batch: PendingVersion[]): void => {
    const statement: Promise<void> = writeVersions(db, indexer, batch)
      .then(() => {
        written += batch.length;
        options.onProgress?.(written);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(statement));
    running.add(statement);
  };

  let batch: PendingVersion[] = [];
  for await (const resource of resources) {
    batch.push(nextVersion(resource, 'POST', undefined, resource.id ?? randomUUID(), resource.resourceType));
    if (batch.length < BATCH_SIZE) continue;
    send(batch);
    batch = [];
    while (running.size >= IN_FLIGHT) await Promise.race(running);
    if (failure) break;
  }
  if (batch.length > 0 && !failure) send(batch);
  await Promise.all(running);
  if (failure) throw failure.error;
  if (written > 0) await analyze(db);
  return written;
}

/**
 * A load can multiply a table's size before autovacuum has looked at it. Until it does, the
 * planner keeps the statistics of the small table and can pick a sequential scan, or a join order
 * that was right for a few hundred rows, so the statistics are refreshed at once (ANALYZE reads a
 * fixed-size sample, a few seconds even at millions of rows).
 */
async function analyze(db: Queryable): Promise<void> {
  await db.query(`ANALYZE ${LOADED_TABLES.join(', ')}`);
}
