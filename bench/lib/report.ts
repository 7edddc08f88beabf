import os from 'node:os';
import type { CpuUse } from './cpu';
import type { LoadResult } from './load';

export type StoreKind = 'pglite' | 'postgres';

export const STORE_LABEL: Record<StoreKind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };
export const TARGETS = { createsPerSecond: 2000, readsPerSecond: 5000, transactionMs: 1000 } as const;
export const PATIENTS = 100;
export const BUNDLE_SIZE = 1000;
export const BUNDLE_RUNS = 3;


export interface TransactionRun {
  ms: number;
  status: number;
  ok: boolean;
}

export interface StoreResult {
  /** PostgreSQL only: pgbench single-row jsonb INSERTs/s on the same database, same clients. */
  pgbenchInsertsPerSecond?: number;
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

export function summary(load: LoadResult, cpu: CpuUse): string {
  return (
    `  ${load.title}: ${load.okPerSecond.toFixed(0)}/s (${load.ok} ok in ${load.seconds.toFixed(1)} s), ` +
    `p50 ${ms(load.p50)} p95 ${ms(load.p95)} p99 ${ms(load.p99)} max ${ms(load.max)} ms, non-2xx ${load.non2xx}; ` +
    `CPU ${cpuText(cpu)}`
  );
}

export function cpuText(cpu: CpuUse | undefined): string {
  if (!cpu) return '—';
  const pct = (v: number | undefined) => (v === undefined ? '?' : `${v.toFixed(0)}%`);
  const db = cpu.database === undefined ? '' : ` / pg ${pct(cpu.database)}`;
  return `server ${pct(cpu.server)}${db} / client ${pct(cpu.client)} / other ${pct(cpu.other)} / steal ${pct(cpu.steal)}`;
}

export function ms(v: number): string {
  return Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1);
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Row {
  label: string;
  value: (r: StoreResult) => number | undefined;
  format: (v: number) => string;
  ratio?: boolean;
}

export function renderReport(results: StoreResult[], machine: string, connections: number): string {
  const byKind = (kind: StoreKind) => results.find((r) => r.kind === kind);
  const pglite = byKind('pglite');
  const postgres = byKind('postgres');
  const int = (v: number) => v.toFixed(0);
  const txnMs = (r: StoreResult, i: number) => r.transactions[i]?.ms;
  const rows: Row[] = [
    { label: 'server start → /readyz (s)', value: (r) => (r.startupMs === undefined ? undefined : r.startupMs / 1000), format: (v) => v.toFixed(1) },
    { label: `creates/s (${connections} conn)`, value: (r) => r.creates?.okPerSecond, format: int, ratio: true },
    { label: 'create p50 (ms)', value: (r) => r.creates?.p50, format: ms, ratio: true },
    { label: 'create p95 (ms)', value: (r) => r.creates?.p95, format: ms, ratio: true },
    { label: 'create p99 (ms)', value: (r) => r.creates?.p99, format: ms, ratio: true },
    { label: 'create non-2xx / conn errors', value: (r) => (r.creates ? r.creates.non2xx + r.creates.errors : undefined), format: int },
    { label: `reads/s (${connections} conn)`, value: (r) => r.reads?.okPerSecond, format: int, ratio: true },
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
    `creates/s at ${connections} clients ≥ ${TARGETS.createsPerSecond}`,
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

export function txnMedian(r: StoreResult): number | undefined {
  return r.transactions.length === 0 ? undefined : median(r.transactions.map((t) => t.ms));
}

export function markdownTable(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const cell = (text: string, i: number) => (rightAlign[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAlign[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const gib = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `machine: ${cpus.length} cores (${model}), ${gib} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}
