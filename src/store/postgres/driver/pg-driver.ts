import { Pool, types } from 'pg';
import type { Db, Queryable } from './db';

// bigint (int8) columns hold version ids and sequence numbers far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));
// timestamptz is read as the ISO text we write into resources, not as a Date.
types.setTypeParser(types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

export function createPgDb(connectionString: string, poolSize: number): Db {
  const pool = new Pool({ connectionString, max: poolSize });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      const result = await pool.query(sql, params);
      return result.rows as Row[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
