import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable } from './db';

const parsers = {
  [types.INT8]: (value: string) => Number(value),
  [types.TIMESTAMPTZ]: (value: string) => new Date(value).toISOString(),
};

/**
 * Embedded PostgreSQL. PGlite has a single connection: its transaction() holds a mutex that other
 * queries wait on, so transactions from concurrent requests are serialized, never interleaved.
 * @param dataDir - a directory for a durable store, or undefined for an in-memory one (tests)
 */
export async function createPgliteDb(dataDir?: string, loadDataDir?: Blob): Promise<Db> {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
  }
  const pg = await PGlite.create({ dataDir, parsers, loadDataDir });
  return {
    kind: 'pglite',
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      return (await pg.query<Row>(sql, params)).rows;
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction(async (t) =>
        fn({ query: async <Row>(sql: string, params?: unknown[]) => (await t.query<Row>(sql, params)).rows }),
      );
    },
    close: () => pg.close(),
  };
}
