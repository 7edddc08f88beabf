import { PGlite, types } from '@electric-sql/pglite';
import type { Db, DbSession } from './db';
import { lockDataDir } from './data-dir-lock';

const parsers = {
  [types.INT8]: (value: string) => Number(value),
  [types.TIMESTAMPTZ]: (value: string) => new Date(value).toISOString(),
};

/**
 * Embedded PostgreSQL. PGlite has a single connection: its transaction() holds a mutex that other
 * queries wait on, so transactions from concurrent requests are serialized, never interleaved.
 * @param dataDir - a directory for a durable store, or undefined for an in-memory one (tests)
 */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir, parsers });
  } catch (error) {
    unlock();
    throw error;
  }
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      return (await pg.query<Row>(sql, params)).rows;
    },
    begin: () => beginSession(pg),
    close: () => pg.close().finally(unlock),
  };
}

/** Holds PGlite's transaction open (and its mutex) until commit() or rollback() is called. */
function beginSession(pg: PGlite): Promise<DbSession> {
  return new Promise<DbSession>((resolveSession, rejectBegin) => {
    let settle!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (settle = resolve));
    const finished = pg.transaction(async (tx) => {
      resolveSession({
        query: async <Row>(sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows,
        commit: async () => {
          settle(true);
          await finished;
        },
        rollback: async () => {
          settle(false);
          await finished.catch(() => undefined);
        },
      });
      if (!(await decided)) {
        await tx.rollback();
      }
    });
    finished.catch(rejectBegin);
  });
}
