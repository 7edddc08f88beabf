import os from 'node:os';
import { Client } from 'pg';
import type { Cleanup } from './cleanup';
import { type RunningServer, startServer } from './server';
import { createBenchDatabase, serverInfo, startThrowawayCluster } from './postgres';

export interface BenchDatabaseOptions {
  /** BENCH_REUSE_DATABASE_URL: a database loaded by an earlier run; nothing is created. */
  reuseUrl?: string;
  /** BENCH_DATABASE_URL: a superuser URL; a fresh database is created there instead of a cluster. */
  adminUrl?: string;
  /** BENCH_KEEP_DATABASE=1: the created database is not dropped (needs adminUrl). */
  keepDatabase: boolean;
  /** The throwaway cluster's shared_buffers, or `stock` for PostgreSQL's 128 MB. */
  sharedBuffers: string;
  cleanup: Cleanup;
  log: (line: string) => void;
}

export type BenchDatabaseEnv = Pick<BenchDatabaseOptions, 'reuseUrl' | 'adminUrl' | 'keepDatabase' | 'sharedBuffers'>;

/** The database options every bench reads from its environment (shared_buffers: a quarter of the RAM by default). */
export function benchDatabaseEnv(): BenchDatabaseEnv {
  return {
    reuseUrl: process.env.BENCH_REUSE_DATABASE_URL?.trim() || undefined,
    adminUrl: process.env.BENCH_DATABASE_URL?.trim() || undefined,
    keepDatabase: process.env.BENCH_KEEP_DATABASE === '1',
    sharedBuffers: process.env.BENCH_SHARED_BUFFERS?.trim() || `${Math.round(os.totalmem() / 4 / 1024 ** 2)}MB`,
  };
}

export interface OpenedBenchDatabase {
  url: string;
  postmasterPid?: number;
  /** For the report: version, where, shared_buffers. */
  description: string;
}

/**
 * The database a bench loads and queries: one loaded earlier (reuseUrl), a fresh one created in
 * adminUrl's server, or a fresh one in a throwaway cluster (scripts/with-postgres.sh). Stopping the
 * cluster and dropping the database are registered with the cleanup.
 */
export async function openBenchDatabase(o: BenchDatabaseOptions): Promise<OpenedBenchDatabase> {
  let url = o.reuseUrl;
  let where = `the database loaded earlier (${o.reuseUrl ? new URL(o.reuseUrl).pathname.slice(1) : ''})`;
  if (!url) {
    let adminUrl = o.adminUrl;
    where = 'BENCH_DATABASE_URL';
    if (!adminUrl) {
      if (o.keepDatabase) throw new Error('BENCH_KEEP_DATABASE=1 needs BENCH_DATABASE_URL: a throwaway cluster is always removed');
      o.log(`starting a throwaway PostgreSQL cluster with scripts/with-postgres.sh (shared_buffers ${o.sharedBuffers})…`);
      const settings: Record<string, string> = o.sharedBuffers === 'stock' ? {} : { shared_buffers: o.sharedBuffers };
      const cluster = await startThrowawayCluster(o.log, settings);
      o.cleanup.add('stop throwaway PostgreSQL', () => cluster.stop());
      adminUrl = cluster.adminUrl;
      where = 'throwaway cluster (scripts/with-postgres.sh)';
    }
    const db = await createBenchDatabase(adminUrl);
    if (!o.keepDatabase) o.cleanup.add(`drop database ${db.name}`, () => db.drop());
    url = db.url;
    where = `${where}, database ${db.name}`;
  }
  const server = await serverInfo(url);
  const description = `PostgreSQL ${server.serverVersion}, ${where}, shared_buffers ${server.sharedBuffers}, other settings stock`;
  return { url, postmasterPid: server.postmasterPid, description };
}

/** The server as a child process over the bench database, and a pg client beside it for the baselines; both stopped by cleanup. */
export async function serveBenchDatabase(
  url: string, cleanup: Cleanup, log: (line: string) => void, env: Record<string, string> = {},
): Promise<{ server: RunningServer; sql: Client }> {
  const server = await startServer({ label: 'PostgreSQL', env: { ...env, DATABASE_URL: url }, readyTimeoutMs: 180_000 });
  cleanup.add('stop server', () => server.stop());
  log(`server pid ${server.pid} ready on ${server.origin}`);
  const sql = new Client({ connectionString: url });
  await sql.connect();
  cleanup.add('close pg client', () => sql.end());
  return { server, sql };
}
