import type { Queryable } from './driver/db';
import { READ_SQL } from './reader';
import { toVersion, VERSION_COLUMNS, type LocatedVersion, type VersionRow } from './rows';
import { TurnBatcher, type Waiting } from './turn-batcher';

/**
 * Both arrays are matched against the primary key with "= ANY", which PostgreSQL always answers
 * with an index scan; a pair that was not asked for (another type with one of the ids) is
 * dropped in code.
 */
const READ_MANY_SQL = `SELECT ${VERSION_COLUMNS} FROM resource WHERE resource_type = ANY($1::text[]) AND id = ANY($2::text[])`;

/** Reads beyond this many wait for the next query, so one query's arrays stay small. */
const MAX_BATCH = 100;

interface Key {
  resourceType: string;
  id: string;
}

/**
 * Reads of current versions that arrive in the same turn of the event loop go to the database as
 * one query. On the target machine a socket write costs about as much as the rest of a read, so
 * under load this halves the system calls of the read path on both sides of the connection; a
 * lone read still goes out at once, as its own query. Each read still sees only committed data
 * at least as new as its request (the query starts after every read in it arrived).
 */
export class ReadCoalescer {
  private readonly batcher = new TurnBatcher<Key, LocatedVersion | undefined>({ run: (batch) => this.query(batch), maxWeight: MAX_BATCH });

  constructor(private readonly db: Queryable) {}

  read(resourceType: string, id: string): Promise<LocatedVersion | undefined> {
    return this.batcher.submit({ resourceType, id });
  }

  private async query(batch: Waiting<Key, LocatedVersion | undefined>[]): Promise<void> {
    const keys = batch.map((w) => w.input);
    const rows = keys.length === 1
      ? await this.db.query<VersionRow>(READ_SQL, [keys[0].resourceType, keys[0].id], 'stroma_read')
      : await this.db.query<VersionRow>(READ_MANY_SQL, [unique(keys.map((k) => k.resourceType)), unique(keys.map((k) => k.id))], 'stroma_read_many');
    const found = new Map(rows.map((row) => [keyOf(row.resource_type, row.id), row]));
    const handedOut = new Set<string>();
    for (const { input, resolve } of batch) {
      const key = keyOf(input.resourceType, input.id);
      const row = found.get(key);
      // Two reads of one resource in a batch must not share objects: a caller may change what it read.
      resolve(row && (handedOut.has(key) ? structuredClone(toVersion(row)) : toVersion(row)));
      handedOut.add(key);
    }
  }
}

function keyOf(resourceType: string, id: string): string {
  return `${resourceType}/${id}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
