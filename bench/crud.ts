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
import { cpuMeter, type CpuUse } from './lib/cpu';
import { FHIR_JSON, hemoglobin, observationTransaction, patient } from './lib/fhir-data';
import { runLoad, type LoadResult } from './lib/load';
import { createBenchDatabase, startThrowawayCluster } from './lib/postgres';
import { startServer, type RunningServer } from './lib/server';

type StoreKind = 'pglite' | 'postgres';

const STORE_LABEL: Record<StoreKind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };
const TARGETS = { createsPerSecond: 2000, readsPerSecond: 5000, transactionMs: 1000 } as const;
const PATIENTS = 100;
const BUNDLE_SIZE = 1000;
const BUNDLE_RUNS = 3;

const settings = {
  stores: parseStores(process.env.BENCH_STORES ?? 'pglite,postgres'),
  durationSeconds: positiveInt('BENCH_DURATION', 10),
  warmupSeconds: positiveInt('BENCH_WARMUP', 2),
  connections: positiveInt('BENCH_CONNECTIONS', 16),
};

interface TransactionRun {
  ms: number;
  status: number;
  ok: boolean;
}

interface StoreResult {
  kind: StoreKind;
  detail: string;
  startupMs?: number;
  creates?: LoadResult;
  createCpu?: CpuUse;
  reads?: LoadResult;
  readCpu?: CpuUse;
  postmasterPid?: number;
  transactions: TransactionRun[];
  transactionCpu?: CpuUse;
  issues: string[];
  /** Caveats that do not make the run fail, e.g. background CPU load during a phase. */
  notes: string[];
}

/** Background CPU (% of one core) above which a phase's figures are flagged as disturbed. */
const BACKGROUND_WARN = 25;

const cleanup = new Cleanup();
const abort = new AbortController();

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the bench and cleaning up…`);
      abort.abort();
      void cleanup.runAll().finally(() => process.exit(code));
    });
  }

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

  const report = renderReport(results, machine);
  process.stdout.write(`\n${report}\n`);
  const failed = results.some((r) => r.issues.length > 0);
  return failed ? 1 : 0;
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
}

async function runPhases(server: RunningServer, result: StoreResult): Promise<void> {
  const { origin } = server;
  const patientIds = await createPatients(origin);
  log(`created ${patientIds.length} patients`);

  // 1. creates
  const createdIds: string[] = [];
  const createRequest = {
    method: 'POST' as const,
    path: '/fhir/Observation',
    headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON },
    setupRequest: (request: autocannon.Request) => ({ ...request, body: JSON.stringify(hemoglobin(patientIds)) }),
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
    headers: { accept: FHIR_JSON },
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
  const warm = await postTransaction(origin, bodies[0]);
  log(`  warm-up: ${warm.status} in ${warm.ms.toFixed(0)} ms`);
  if (!warm.ok) result.issues.push(`warm-up transaction answered ${warm.status}: ${warm.error ?? ''}`);
  meter = cpuMeter(server.pid, result.postmasterPid);
  for (let run = 1; run <= BUNDLE_RUNS; run++) {
    const outcome = await postTransaction(origin, bodies[run]);
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

async function createPatients(origin: string): Promise<string[]> {
  const ids: string[] = new Array(PATIENTS);
  let next = 0;
  const worker = async () => {
    while (next < PATIENTS) {
      const i = next++;
      const res = await fetch(`${origin}/fhir/Patient`, {
        method: 'POST',
        headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON },
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

async function postTransaction(origin: string, body: string): Promise<TransactionRun & { error?: string }> {
  const start = performance.now();
  const res = await fetch(`${origin}/fhir`, {
    method: 'POST',
    headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON },
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

function summary(load: LoadResult, cpu: CpuUse): string {
  return (
    `  ${load.title}: ${load.okPerSecond.toFixed(0)}/s (${load.ok} ok in ${load.seconds.toFixed(1)} s), ` +
    `p50 ${ms(load.p50)} p95 ${ms(load.p95)} p99 ${ms(load.p99)} max ${ms(load.max)} ms, non-2xx ${load.non2xx}; ` +
    `CPU ${cpuText(cpu)}`
  );
}

function cpuText(cpu: CpuUse | undefined): string {
  if (!cpu) return '—';
  const pct = (v: number | undefined) => (v === undefined ? '?' : `${v.toFixed(0)}%`);
  const db = cpu.database === undefined ? '' : ` / pg ${pct(cpu.database)}`;
  return `server ${pct(cpu.server)}${db} / client ${pct(cpu.client)} / other ${pct(cpu.other)} / steal ${pct(cpu.steal)}`;
}

function ms(v: number): string {
  return Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1);
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Row {
  label: string;
  value: (r: StoreResult) => number | undefined;
  format: (v: number) => string;
  ratio?: boolean;
}

function renderReport(results: StoreResult[], machine: string): string {
  const byKind = (kind: StoreKind) => results.find((r) => r.kind === kind);
  const pglite = byKind('pglite');
  const postgres = byKind('postgres');
  const int = (v: number) => v.toFixed(0);
  const txnMs = (r: StoreResult, i: number) => r.transactions[i]?.ms;
  const rows: Row[] = [
    { label: 'server start → /readyz (s)', value: (r) => (r.startupMs === undefined ? undefined : r.startupMs / 1000), format: (v) => v.toFixed(1) },
    { label: `creates/s (${settings.connections} conn)`, value: (r) => r.creates?.okPerSecond, format: int, ratio: true },
    { label: 'create p50 (ms)', value: (r) => r.creates?.p50, format: ms, ratio: true },
    { label: 'create p95 (ms)', value: (r) => r.creates?.p95, format: ms, ratio: true },
    { label: 'create p99 (ms)', value: (r) => r.creates?.p99, format: ms, ratio: true },
    { label: 'create non-2xx / conn errors', value: (r) => (r.creates ? r.creates.non2xx + r.creates.errors : undefined), format: int },
    { label: `reads/s (${settings.connections} conn)`, value: (r) => r.reads?.okPerSecond, format: int, ratio: true },
    { label: 'read p50 (ms)', value: (r) => r.reads?.p50, format: ms, ratio: true },
    { label: 'read p95 (ms)', value: (r) => r.reads?.p95, format: ms, ratio: true },
    { label: 'read p99 (ms)', value: (r) => r.reads?.p99, format: ms, ratio: true },
    { label: 'read non-2xx / conn errors', value: (r) => (r.reads ? r.reads.non2xx + r.reads.errors : undefined), format: int },
    ...Array.from({ length: BUNDLE_RUNS }, (_, i): Row => ({
      label: `txn ${BUNDLE_SIZE} entries, run ${i + 1} (ms)`,
      value: (r) => txnMs(r, i),
      format: int,
      ratio: true,
    })),
    { label: `txn ${BUNDLE_SIZE} entries, median (ms)`, value: (r) => txnMedian(r), format: int, ratio: true },
  ];

  const header = ['', 'PGlite', 'PostgreSQL', 'PostgreSQL/PGlite'];
  const table: string[][] = rows.map((row) => {
    const a = pglite ? row.value(pglite) : undefined;
    const b = postgres ? row.value(postgres) : undefined;
    const ratio = row.ratio && a !== undefined && b !== undefined && a > 0 ? `${(b / a).toFixed(2)}×` : '';
    return [row.label, a === undefined ? '—' : row.format(a), b === undefined ? '—' : row.format(b), ratio];
  });
  const cpuRows: string[][] = [
    ['CPU during creates', cpuText(pglite?.createCpu), cpuText(postgres?.createCpu), ''],
    ['CPU during reads', cpuText(pglite?.readCpu), cpuText(postgres?.readCpu), ''],
    ['CPU during txn runs', cpuText(pglite?.transactionCpu), cpuText(postgres?.transactionCpu), ''],
  ];

  const out: string[] = [];
  out.push('bench:crud results');
  out.push(machine);
  for (const r of results) out.push(`${STORE_LABEL[r.kind]}: ${r.detail}`);
  out.push('');
  out.push(markdownTable(header, [...table, ...cpuRows], [false, true, true, true]));
  out.push(
    `CPU: % of one core over the phase (machine ceiling ${100 * os.cpus().length}%). server = Stroma (PGlite runs inside it), ` +
      'pg = PostgreSQL postmaster + backends, client = this bench (autocannon/fetch), other = other processes + kernel ' +
      '(loopback softirq), steal = CPU the hypervisor gave to other guests.',
  );
  out.push('');

  out.push('PostgreSQL targets');
  const targetRows: string[][] = [];
  const creates = postgres?.creates?.okPerSecond;
  const reads = postgres?.reads?.okPerSecond;
  const txn = postgres ? txnMedian(postgres) : undefined;
  const verdict = (pass: boolean | undefined) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');
  targetRows.push([
    `creates/s at ${settings.connections} clients ≥ ${TARGETS.createsPerSecond}`,
    creates === undefined ? '—' : creates.toFixed(0),
    creates === undefined ? '—' : `${(creates / TARGETS.createsPerSecond).toFixed(2)}× target`,
    verdict(creates === undefined ? undefined : creates >= TARGETS.createsPerSecond),
  ]);
  targetRows.push([
    `reads/s ≥ ${TARGETS.readsPerSecond}`,
    reads === undefined ? '—' : reads.toFixed(0),
    reads === undefined ? '—' : `${(reads / TARGETS.readsPerSecond).toFixed(2)}× target`,
    verdict(reads === undefined ? undefined : reads >= TARGETS.readsPerSecond),
  ]);
  const txnOk = postgres !== undefined && postgres.transactions.length === BUNDLE_RUNS && postgres.transactions.every((t) => t.ok);
  targetRows.push([
    `${BUNDLE_SIZE}-entry transaction < ${TARGETS.transactionMs} ms (median of ${BUNDLE_RUNS})`,
    txn === undefined || Number.isNaN(txn) ? '—' : `${txn.toFixed(0)} ms`,
    txn === undefined || Number.isNaN(txn) ? '—' : `${(txn / TARGETS.transactionMs).toFixed(2)}× budget`,
    verdict(txn === undefined || Number.isNaN(txn) ? undefined : txnOk && txn < TARGETS.transactionMs),
  ]);
  out.push(markdownTable(['target', 'measured', 'ratio', 'verdict'], targetRows, [false, true, true, false]));
  out.push('');

  const notes = results.flatMap((r) => r.notes.map((n) => `${STORE_LABEL[r.kind]}: ${n}`));
  if (notes.length > 0) {
    out.push('NOTES:');
    for (const note of notes) out.push(`  - ${note}`);
    out.push('');
  }
  const issues = results.flatMap((r) => r.issues.map((i) => `${STORE_LABEL[r.kind]}: ${i}`));
  out.push(issues.length === 0 ? 'No errors: every response was 2xx, every transaction answered 200, no server warnings.' : 'ISSUES:');
  for (const issue of issues) out.push(`  - ${issue}`);
  return out.join('\n');
}

function txnMedian(r: StoreResult): number | undefined {
  return r.transactions.length === 0 ? undefined : median(r.transactions.map((t) => t.ms));
}

function markdownTable(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const cell = (text: string, i: number) => (rightAlign[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAlign[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const gib = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `machine: ${cpus.length} cores (${model}), ${gib} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

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

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return value;
}

main()
  .then(async (code) => {
    await cleanup.runAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    if (!abort.signal.aborted) {
      log(`bench:crud failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    await cleanup.runAll();
    process.exit(abort.signal.aborted ? 130 : 1);
  });
