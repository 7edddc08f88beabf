/**
 * CRUD throughput bench: `npm run bench:crud`.
 *
 * For each store — embedded PGlite (fresh temp DATA_DIR) and PostgreSQL — starts the server as a
 * child process on a free loopback port, waits for /readyz, creates 100 patients, then measures:
 *   1. creates: POST /fhir/Observation, 16 connections, ~10 s (after a short warm-up)
 *   2. reads:   GET /fhir/Observation/{random created id}, 16 connections, ~10 s (after a warm-up)
 *   3. a 1,000-entry transaction Bundle of Observation POSTs: one warm-up, then 3 timed runs
 * and prints both stores side by side, the PostgreSQL/PGlite ratios and the PostgreSQL targets.
 *
 * PostgreSQL: with BENCH_DATABASE_URL (a superuser-ish URL) a fresh database stroma_bench_<random>
 * is created in that server and dropped afterwards; without it a throwaway PostgreSQL 15 cluster is
 * started with scripts/with-postgres.sh (as the `postgres` OS user when run as root) and removed.
 *
 * Knobs (env): BENCH_STORES=pglite,postgres  BENCH_DURATION=10  BENCH_WARMUP=2  BENCH_CONNECTIONS=16
 * Exit status: 0 when every request succeeded (targets may still FAIL), 1 on errors, 130 on Ctrl-C.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import type autocannon from 'autocannon';
import { Cleanup } from './lib/cleanup';
import { positiveInt, runBench } from './lib/run';
import { cpuMeter, type CpuUse } from './lib/cpu';
import { FHIR_JSON, hemoglobin, observationTransaction, patient } from './lib/fhir-data';
import { runLoad, type LoadResult } from './lib/load';
import { createBenchDatabase, startThrowawayCluster } from './lib/postgres';
import { startServer, type RunningServer } from './lib/server';
import { measureBaseline, measurePgbenchInsert } from './lib/baselines';
import { renderReport, machineLine, summary, STORE_LABEL, BUNDLE_RUNS, BUNDLE_SIZE, PATIENTS, type StoreKind, type StoreResult, type TransactionRun } from './lib/report';

const settings = {
  stores: parseStores(process.env.BENCH_STORES ?? 'pglite,postgres'),
  durationSeconds: positiveInt('BENCH_DURATION', 10),
  warmupSeconds: positiveInt('BENCH_WARMUP', 2),
  connections: positiveInt('BENCH_CONNECTIONS', 16),
};


/** Distinct Observation bodies the create phase cycles through. */
const CREATE_BODIES = 4096;

/** Background CPU (% of one core) above which a phase's figures are flagged as disturbed. */
const BACKGROUND_WARN = 25;

const cleanup = new Cleanup();
const abort = new AbortController();

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {

  const started = new Date();
  log(`bench:crud — ${started.toISOString()} — ${settings.connections} connections, ${settings.durationSeconds} s per load phase`);
  const machine = machineLine();
  log(machine);

  const idle = await backgroundLoad();
  if (idle !== undefined) {
    log(`background CPU before start: ${idle.toFixed(0)}% of a core${idle > BACKGROUND_WARN ? ' — the machine is busy, figures will be low' : ''}`);
  }

  const results: StoreResult[] = [];
  for (const kind of settings.stores) {
    const result: StoreResult = { kind, detail: '', transactions: [], issues: [], notes: [] };
    results.push(result);
    const storeCleanup = new Cleanup();
    const release = cleanup.add(`${kind} store`, () => storeCleanup.runAll());
    try {
      await benchStore(kind, result, storeCleanup);
    } catch (error) {
      if (abort.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      result.issues.push(`bench aborted for ${STORE_LABEL[kind]}: ${message}`);
      log(`!!! ${STORE_LABEL[kind]}: ${message}`);
    } finally {
      await release();
    }
  }

  const report = renderReport(results, machine, settings.connections);
  process.stdout.write(`\n${report}\n`);
  process.stdout.write(`\n${await readBaselines(results)}\n`);
  const failed = results.some((r) => r.issues.length > 0);
  return failed ? 1 : 0;
}

/** Stroma's reads/s as a ratio of the bare node:http and Express 5 servers, measured now. */
async function readBaselines(results: StoreResult[]): Promise<string> {
  const body = JSON.stringify({ ...hemoglobin(['p1']), id: '00000000-0000-4000-8000-000000000000', meta: { versionId: '1', lastUpdated: new Date().toISOString() } });
  const lines = ['Baselines measured in this run (same machine, same number of clients)'];
  for (const r of results.filter((x) => x.pgbenchInsertsPerSecond !== undefined && x.creates)) {
    const ratio = ((r.creates?.okPerSecond ?? 0) / (r.pgbenchInsertsPerSecond as number)).toFixed(2);
    lines.push(`- pgbench single-row jsonb INSERT: ${(r.pgbenchInsertsPerSecond as number).toFixed(0)} inserts/s (Stroma ${STORE_LABEL[r.kind]} creates ${ratio}×)`);
  }
  for (const kind of ['node:http', 'Express 5'] as const) {
    log(`baseline ${kind}: ${settings.durationSeconds} s at ${settings.connections} connections…`);
    const perSecond = await measureBaseline(kind, body, settings.connections, settings.durationSeconds, abort.signal);
    const ratios = results
      .filter((r) => r.reads)
      .map((r) => `${STORE_LABEL[r.kind]} read ${((r.reads?.okPerSecond ?? 0) / perSecond).toFixed(2)}×`)
      .join(', ');
    lines.push(`- ${kind} serving a fixed Observation: ${perSecond.toFixed(0)} reads/s (Stroma: ${ratios})`);
  }
  return lines.join('\n');
}

async function benchStore(kind: StoreKind, result: StoreResult, storeCleanup: Cleanup): Promise<void> {
  log(`\n=== ${STORE_LABEL[kind]} ===`);
  const env: Record<string, string> = {};
  if (kind === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stroma-bench-pglite-'));
    storeCleanup.add('remove PGlite temp dir', () => fs.rmSync(dataDir, { recursive: true, force: true }));
    env.DATA_DIR = dataDir;
    result.detail = `embedded PGlite, fresh DATA_DIR ${dataDir}`;
  } else {
    let adminUrl = process.env.BENCH_DATABASE_URL?.trim();
    let where = 'BENCH_DATABASE_URL';
    if (!adminUrl) {
      log('starting a throwaway PostgreSQL cluster with scripts/with-postgres.sh…');
      const cluster = await startThrowawayCluster(log);
      storeCleanup.add('stop throwaway PostgreSQL', () => cluster.stop());
      adminUrl = cluster.adminUrl;
      where = 'throwaway cluster (scripts/with-postgres.sh)';
    }
    const db = await createBenchDatabase(adminUrl);
    storeCleanup.add(`drop database ${db.name}`, () => db.drop());
    env.DATABASE_URL = db.url;
    result.postmasterPid = db.postmasterPid;
    result.detail = `PostgreSQL ${db.serverVersion}, ${where}, database ${db.name}`;
  }
  log(result.detail);

  const t0 = performance.now();
  const server = await startServer({ label: STORE_LABEL[kind], env, readyTimeoutMs: 180_000 });
  storeCleanup.add('stop server', () => server.stop());
  result.startupMs = performance.now() - t0;
  log(`server pid ${server.pid} ready on ${server.origin} after ${(result.startupMs / 1000).toFixed(1)} s`);

  try {
    await runPhases(server, result);
  } finally {
    await server.stop();
    if (server.problems.length > 0) {
      result.issues.push(`server logged ${server.problems.length} warning/error line(s); first: ${server.problems[0].text.slice(0, 400)}`);
    }
  }
  if (env.DATABASE_URL) {
    // With the server stopped, the same database and clients: what PostgreSQL alone does.
    log(`baseline pgbench INSERT: ${settings.durationSeconds} s at ${settings.connections} clients…`);
    const sample = JSON.stringify(hemoglobin(['p1']));
    result.pgbenchInsertsPerSecond = await measurePgbenchInsert(env.DATABASE_URL, sample, settings.connections, settings.durationSeconds);
  }
}

async function runPhases(server: RunningServer, result: StoreResult): Promise<void> {
  const { origin, authorization } = server;
  const patientIds = await createPatients(origin, authorization);
  log(`created ${patientIds.length} patients`);

  // 1. creates
  const createdIds: string[] = [];
  // Bodies are built before timing, as for the transactions: the load generator shares the two
  // cores with the server, and building each body while timing would slow the server down.
  const createBodies = Array.from({ length: CREATE_BODIES }, () => JSON.stringify(hemoglobin(patientIds)));
  let nextBody = 0;
  const createRequest = {
    method: 'POST' as const,
    path: '/fhir/Observation',
    headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON, authorization },
    setupRequest: (request: autocannon.Request) => ({ ...request, body: createBodies[nextBody++ % CREATE_BODIES] }),
  };
  const collectId = (_status: number, body: string) => {
    const id = idOf(body);
    if (id) createdIds.push(id);
  };
  log(`creates: warm-up ${settings.warmupSeconds} s…`);
  await runLoad({ ...loadBase(origin, 'create warm-up', settings.warmupSeconds), request: createRequest, onOk: collectId });
  log(`creates: ${settings.durationSeconds} s at ${settings.connections} connections…`);
  let meter = cpuMeter(server.pid, result.postmasterPid);
  result.creates = await runLoad({ ...loadBase(origin, 'creates', settings.durationSeconds), request: createRequest, onOk: collectId });
  result.createCpu = meter();
  noteBackground(result, 'creates', result.createCpu);
  checkLoad(result, result.creates);
  log(summary(result.creates, result.createCpu));
  if (createdIds.length === 0) throw new Error('no Observation was created; cannot run the read phase');

  // 2. reads
  const readRequest = {
    method: 'GET' as const,
    path: '/fhir/Observation',
    headers: { accept: FHIR_JSON, authorization },
    setupRequest: (request: autocannon.Request) => ({
      ...request,
      path: `/fhir/Observation/${createdIds[Math.floor(Math.random() * createdIds.length)]}`,
    }),
  };
  log(`reads: warm-up ${settings.warmupSeconds} s over ${createdIds.length} ids…`);
  await runLoad({ ...loadBase(origin, 'read warm-up', settings.warmupSeconds), request: readRequest });
  log(`reads: ${settings.durationSeconds} s at ${settings.connections} connections…`);
  meter = cpuMeter(server.pid, result.postmasterPid);
  result.reads = await runLoad({ ...loadBase(origin, 'reads', settings.durationSeconds), request: readRequest });
  result.readCpu = meter();
  noteBackground(result, 'reads', result.readCpu);
  checkLoad(result, result.reads);
  log(summary(result.reads, result.readCpu));

  // 3. 1,000-entry transaction Bundles: bodies built before timing, each with fresh fullUrls.
  const bodies = Array.from({ length: BUNDLE_RUNS + 1 }, () => JSON.stringify(observationTransaction(BUNDLE_SIZE, patientIds)));
  log(`transaction: warm-up with one ${BUNDLE_SIZE}-entry bundle (${(bodies[0].length / 1024).toFixed(0)} KiB)…`);
  const warm = await postTransaction(origin, authorization, bodies[0]);
  log(`  warm-up: ${warm.status} in ${warm.ms.toFixed(0)} ms`);
  if (!warm.ok) result.issues.push(`warm-up transaction answered ${warm.status}: ${warm.error ?? ''}`);
  meter = cpuMeter(server.pid, result.postmasterPid);
  for (let run = 1; run <= BUNDLE_RUNS; run++) {
    const outcome = await postTransaction(origin, authorization, bodies[run]);
    result.transactions.push({ ms: outcome.ms, status: outcome.status, ok: outcome.ok });
    log(`  run ${run}: ${outcome.status} in ${outcome.ms.toFixed(0)} ms`);
    if (!outcome.ok) result.issues.push(`transaction run ${run} answered ${outcome.status}: ${outcome.error ?? ''}`);
  }
  result.transactionCpu = meter();
  noteBackground(result, 'transactions', result.transactionCpu);

}

function loadBase(origin: string, title: string, durationSeconds: number) {
  return { origin, title, durationSeconds, connections: settings.connections, signal: abort.signal };
}

function noteBackground(result: StoreResult, phase: string, cpu: CpuUse): void {
  if (cpu.other !== undefined && cpu.other > BACKGROUND_WARN) {
    const note = `${phase}: other processes/kernel used ${cpu.other.toFixed(0)}% of a core meanwhile; figures may be pessimistic`;
    result.notes.push(note);
    log(`  note: ${note}`);
  }
  if (cpu.steal !== undefined && cpu.steal > BACKGROUND_WARN) {
    const note = `${phase}: the hypervisor stole ${cpu.steal.toFixed(0)}% of a core meanwhile; figures may be pessimistic`;
    result.notes.push(note);
    log(`  note: ${note}`);
  }
}

function checkLoad(result: StoreResult, load: LoadResult): void {
  if (load.non2xx > 0) {
    const codes = Object.entries(load.byStatus)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n}× ${code}`)
      .join(', ');
    result.issues.push(`${load.title}: ${load.non2xx} non-2xx responses (${codes}); samples:\n    ${load.samples.join('\n    ')}`);
    log(`!!! ${load.title}: ${load.non2xx} non-2xx (${codes})`);
    for (const sample of load.samples) log(`    ${sample}`);
  }
  if (load.errors > 0) {
    result.issues.push(`${load.title}: ${load.errors} connection errors (${load.timeouts} timeouts)`);
    log(`!!! ${load.title}: ${load.errors} connection errors (${load.timeouts} timeouts)`);
  }
}

async function createPatients(origin: string, authorization: string): Promise<string[]> {
  const ids: string[] = new Array(PATIENTS);
  let next = 0;
  const worker = async () => {
    while (next < PATIENTS) {
      const i = next++;
      const res = await fetch(`${origin}/fhir/Patient`, {
        method: 'POST',
        headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON, authorization },
        body: JSON.stringify(patient(i)),
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(30_000)]),
      });
      const body = await res.text();
      const id = idOf(body);
      if (res.status !== 201 || !id) throw new Error(`POST /fhir/Patient answered ${res.status}: ${body.slice(0, 500)}`);
      ids[i] = id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

async function postTransaction(origin: string, authorization: string, body: string): Promise<TransactionRun & { error?: string }> {
  const start = performance.now();
  const res = await fetch(`${origin}/fhir`, {
    method: 'POST',
    headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON, authorization },
    body,
    signal: AbortSignal.any([abort.signal, AbortSignal.timeout(120_000)]),
  });
  const text = await res.text();
  const ms = performance.now() - start;
  if (res.status !== 200) return { ms, status: res.status, ok: false, error: text.slice(0, 1000) };
  let bundle: Bundle;
  try {
    bundle = JSON.parse(text) as Bundle;
  } catch {
    return { ms, status: res.status, ok: false, error: 'response is not JSON' };
  }
  const entries = bundle.entry ?? [];
  const created = entries.filter((e) => e.response?.status?.startsWith('201')).length;
  if (bundle.type !== 'transaction-response' || entries.length !== BUNDLE_SIZE || created !== BUNDLE_SIZE) {
    return {
      ms,
      status: res.status,
      ok: false,
      error: `expected a transaction-response with ${BUNDLE_SIZE} 201 entries, got type ${bundle.type} with ${entries.length} entries (${created} 201)`,
    };
  }
  return { ms, status: res.status, ok: true };
}

/** Machine CPU busy over one second, in % of one core, excluding this process. */
async function backgroundLoad(): Promise<number | undefined> {
  const meter = cpuMeter(process.pid);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const use = meter();
  return use.machine === undefined ? undefined : Math.max(0, use.machine - use.client);
}

function idOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'id' in parsed && typeof parsed.id === 'string') return parsed.id;
  } catch {
    // not JSON
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// report

function parseStores(raw: string): StoreKind[] {
  const stores = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const valid = stores.filter((s): s is StoreKind => s === 'pglite' || s === 'postgres');
  if (valid.length === 0 || valid.length !== stores.length) {
    throw new Error(`BENCH_STORES=${raw}: expected a comma-separated list of pglite, postgres`);
  }
  return valid;
}

runBench('bench:crud', main, cleanup, abort, log);
