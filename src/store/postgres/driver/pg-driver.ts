import { Pool, types, type PoolClient } from 'pg';
import type { Db, DbSession } from './db';

// bigint (int8) columns hold version ids and sequence numbers far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));
// timestamptz is read as the ISO text we write into resources, not as a Date.
types.setTypeParser(types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

export function createPgDb(connectionString: string, poolSize: number): Db {
  const pool = new Pool({ connectionString, max: poolSize });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    async query<Row>(sql: string, params?: unknown[], name?: string): Promise<Row[]> {
      return (await pool.query({ text: sql, values: params, name })).rows as Row[];
    },
    async begin(): Promise<DbSession> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release(true);
        throw error;
      }
      return session(client);
    },
    close: () => pool.end(),
  };
}

function session(client: PoolClient): DbSession {
  let open = true;
  const end = async (statement: 'COMMIT' | 'ROLLBACK') => {
    if (!open) return;
    open = false;
    let broken = false;
    try {
      await client.query(statement);
    } catch (error) {
      broken = true;
      if (statement === 'COMMIT') throw error;
    } finally {
      client.release(broken);
    }
  };
  return {
    async query<Row>(sql: string, params?: unknown[], name?: string): Promise<Row[]> {
      return (await client.query({ text: sql, values: params, name })).rows as Row[];
    },
    commit: () => end('COMMIT'),
    rollback: () => end('ROLLBACK'),
  };
}
