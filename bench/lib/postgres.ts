import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Client } from 'pg';
import { parentPid } from './cpu';
import { lineReader, REPO_ROOT } from './server';

export interface ThrowawayCluster {
  /** Superuser URL of the cluster's own database. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL cluster with scripts/with-postgres.sh used as a library (pg_start /
 * pg_stop): fresh mktemp dir, 127.0.0.1 only, free port, trust auth, run as the `postgres` OS user
 * when we are root, with stock settings but those given. The bash helper lives in its own process
 * group, prints the URL, then waits on its stdin; closing stdin (stop(), or this process dying for
 * any reason) makes it run pg_stop, which stops the server and deletes the temp dir.
 */
export async function startThrowawayCluster(log: (line: string) => void, settings: Record<string, string> = {}): Promise<ThrowawayCluster> {
  const script = [
    'set -u',
    // If this process dies, writes to its closed pipes must not kill the helper before pg_stop.
    "trap '' PIPE",
    'source scripts/with-postgres.sh',
    "trap 'set +e; pg_stop >&2' EXIT",
    "trap 'exit 130' INT",
    "trap 'exit 143' TERM HUP",
    'if ! pg_start >&2; then pg_warn "could not start PostgreSQL"; pg_log_tail >&2; exit 1; fi',
    'printf "BENCH_PG_URL=%s\\n" "$PG_TEST_URL"',
    'read -r _ || true',
  ].join('\n');
  // Server settings other than the script's own, e.g. shared_buffers (PG_EXTRA_CONF, see the script).
  const extraConf = Object.entries(settings)
    .map(([name, value]) => `${name} = '${value}'`)
    .join('\n');
  const child = spawn('bash', ['-c', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, PG_EXTRA_CONF: extraConf },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn bash for scripts/with-postgres.sh');

  let exited = false;
  const exitPromise = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    });
  });
  lineReader(child.stderr, (line) => log(`[pg] ${line}`));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      child.stdin.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }, 60_000);
      await exitPromise;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const url = await new Promise<string>((resolve, reject) => {
    lineReader(child.stdout, (line) => {
      const match = /^BENCH_PG_URL=(.+)$/.exec(line);
      if (match) resolve(match[1]);
      else log(`[pg] ${line}`);
    });
    void exitPromise.then((code) => reject(new Error(`scripts/with-postgres.sh exited (code ${code}) before PostgreSQL was up`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { adminUrl: url, stop };
}

export interface BenchDatabase {
  url: string;
  name: string;
  /** `SHOW server_version` */
  serverVersion: string;
  /** The postmaster's pid when the server runs on this machine (for CPU accounting). */
  postmasterPid?: number;
  drop(): Promise<void>;
}

/** Creates an empty database stroma_bench_<random> next to the one adminUrl names. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `stroma_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  let serverVersion: string;
  let postmasterPid: number | undefined;
  try {
    const version = await admin.query<{ server_version: string }>('SHOW server_version');
    serverVersion = version.rows[0]?.server_version ?? 'unknown';
    const backend = await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    postmasterPid = localPostmaster(adminUrl, backend.rows[0]?.pid);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    serverVersion,
    postmasterPid,
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function localPostmaster(adminUrl: string, backendPid: number | undefined): number | undefined {
  const host = new URL(adminUrl).hostname;
  if (backendPid === undefined || !['127.0.0.1', 'localhost', '[::1]', ''].includes(host)) return undefined;
  const ppid = parentPid(backendPid);
  if (ppid === undefined) return undefined;
  try {
    return fs.readFileSync(`/proc/${ppid}/comm`, 'utf8').trim() === 'postgres' ? ppid : undefined;
  } catch {
    return undefined;
  }
}

export interface ServerInfo {
  /** `SHOW server_version` */
  serverVersion: string;
  /** `SHOW shared_buffers` */
  sharedBuffers: string;
  /** The postmaster's pid when the server runs on this machine (for CPU accounting). */
  postmasterPid?: number;
}

/** What the server a database URL names runs, for a report. */
export async function serverInfo(url: string): Promise<ServerInfo> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const row = await client.query<{ version: string; buffers: string; pid: number }>(
      `SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS buffers, pg_backend_pid() AS pid`,
    );
    const { version, buffers, pid } = row.rows[0];
    return { serverVersion: version, sharedBuffers: buffers, postmasterPid: localPostmaster(url, pid) };
  } finally {
    await client.end();
  }
}
