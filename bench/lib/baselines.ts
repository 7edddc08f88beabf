import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './net';
import { runLoad } from './load';

/**
 * Named baselines, measured in the same run as Stroma because these machines are noisy: the same
 * GET answered with a fixed Observation by a bare node:http server and by a bare Express 5 app.
 * They bound what any read path on this machine, with this load generator, can reach.
 */
export type BaselineKind = 'node:http' | 'Express 5';

const SERVER_SOURCE: Record<BaselineKind, string> = {
  'node:http': `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/fhir+json'); s.end(BODY); }).listen(PORT, '127.0.0.1');`,
  'Express 5': `const app = require('express')(); app.set('etag', false);
    app.get('/fhir/Observation/:id', (q, s) => { s.setHeader('content-type', 'application/fhir+json'); s.end(BODY); }); app.listen(PORT, '127.0.0.1');`,
};

export async function measureBaseline(kind: BaselineKind, body: string, connections: number, durationSeconds: number, signal: AbortSignal): Promise<number> {
  const port = await freePort();
  const source = `const BODY = ${JSON.stringify(body)}; const PORT = ${port};\n${SERVER_SOURCE[kind]}`;
  const child = spawn(process.execPath, ['-e', source], { cwd: path.resolve(__dirname, '../..'), stdio: 'ignore' });
  try {
    await waitForPort(port);
    const origin = `http://127.0.0.1:${port}`;
    const request = { method: 'GET' as const, path: '/fhir/Observation/x' };
    await runLoad({ title: `${kind} warm-up`, origin, connections, durationSeconds: 1, request, signal });
    const load = await runLoad({ title: kind, origin, connections, durationSeconds, request, signal });
    return load.okPerSecond;
  } finally {
    child.kill('SIGKILL');
  }
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/fhir/Observation/x`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`baseline server on port ${port} did not start`);
}

/**
 * The create baseline: PostgreSQL's own single-row INSERT of the same Observation as jsonb, by
 * pgbench with the same number of clients, prepared statements, autocommit: what the database
 * alone reaches on this machine before any FHIR work (indexing, history, HTTP).
 */
export async function measurePgbenchInsert(databaseUrl: string, body: string, clients: number, durationSeconds: number): Promise<number | undefined> {
  const pgbench = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].find((p) => p === 'pgbench' || existsSync(p)) as string;
  const dir = mkdtempSync(path.join(tmpdir(), 'stroma-pgbench-'));
  try {
    const script = path.join(dir, 'insert.sql');
    writeFileSync(script, `INSERT INTO pgbench_baseline (doc) VALUES ('${body.replace(/'/g, "''")}');\n`);
    await run(process.env.PSQL ?? 'psql', [databaseUrl, '-qc', 'CREATE TABLE IF NOT EXISTS pgbench_baseline (id bigserial PRIMARY KEY, doc jsonb)']);
    const out = await run(pgbench, ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(durationSeconds), '-f', script, databaseUrl]);
    const tps = /tps = ([\d.]+)/.exec(out)?.[1];
    return tps ? Number(tps) : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)));
  });
}
