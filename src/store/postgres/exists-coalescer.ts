import { createHash } from 'node:crypto';
import type { Queryable } from './driver/db';
import { TurnBatcher, type Waiting } from './turn-batcher';

/** Questions beyond this many wait for the next statement. */
const MAX_BATCH = 50;

interface Question {
  /** `SELECT ...` whose rows are the matches; its parameters are $1..$n. */
  matches: string;
  params: unknown[];
}

/**
 * EXISTS questions asked outside a transaction (is this patient enrolled? asked at every trial
 * write) that arrive in the same turn of the event loop go to the database as one statement,
 * `SELECT ARRAY[EXISTS (q1), EXISTS (q2), ...]`, each question's parameters renumbered after the
 * previous one's. As for reads (ReadCoalescer), a socket write costs about as much as such a query
 * on the target machine. A lone question goes out at once as a prepared statement.
 */
export class ExistsCoalescer {
  private readonly batcher = new TurnBatcher<Question, boolean>({ run: (batch) => this.query(batch), maxWeight: MAX_BATCH });

  constructor(readonly db: Queryable) {}

  exists(matches: string, params: unknown[]): Promise<boolean> {
    return this.batcher.submit({ matches, params });
  }

  private async query(batch: Waiting<Question, boolean>[]): Promise<void> {
    if (batch.length === 1) {
      const { matches, params } = batch[0].input;
      batch[0].resolve(await askOne(this.db, matches, params));
      return;
    }
    const params: unknown[] = [];
    const parts = batch.map(({ input }) => {
      const sql = renumbered(input.matches, params.length);
      params.push(...input.params);
      return `EXISTS (${sql})`;
    });
    const rows = await this.db.query<{ found: boolean[] }>(`SELECT ARRAY[${parts.join(', ')}] AS found`, params);
    batch.forEach((w, i) => w.resolve(rows[0].found[i]));
  }
}

/** One EXISTS question, prepared: PostgreSQL parses and plans each shape once per connection. */
export async function askOne(db: Queryable, matches: string, params: unknown[]): Promise<boolean> {
  const sql = `SELECT EXISTS (${matches}) AS found`;
  const rows = await db.query<{ found: boolean }>(sql, params, `stroma_exists_${createHash('sha1').update(sql).digest('hex')}`);
  return rows[0].found;
}

/** The store's SQL carries every value as a parameter, so `$n` occurs only as a placeholder. */
function renumbered(sql: string, offset: number): string {
  return offset === 0 ? sql : sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
