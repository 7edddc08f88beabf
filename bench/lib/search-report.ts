import type { CpuUse } from './cpu';
import type { LatencyStats } from './latency';
import { cpuText, markdownTable, ms } from './report';
import type { DatasetSize } from './search-data';
import type { LoadReport } from './search-load';
import type { CaseResult } from './search-measure';

/** Issue 3: p95 at most 20 ms for each search on the 2-core machine. */
export const TARGET_P95_MS = 20;

export interface SearchBenchReport {
  machine: string;
  database: string;
  size: DatasetSize;
  /** Undefined when an already loaded database was reused. */
  load?: LoadReport;
  cases: CaseResult[];
  queryCpu?: CpuUse;
  runs: number;
  warmupRuns: number;
}

export function renderSearchReport(r: SearchBenchReport): string {
  const out: string[] = ['bench:search results', r.machine, r.database];
  out.push(
    `data set: ${int(r.size.observations)} Observations for ${int(r.size.patients)} Patients, ` +
      `${int(r.size.adverseEvents)} AdverseEvents in ${r.size.studies} ResearchStudies`,
  );
  if (r.load) out.push(...loadLines(r.load));
  out.push('');
  out.push(`Searches over HTTP, one at a time, ${r.runs} runs each after ${r.warmupRuns} warm-up runs, random values per run (ms)`);
  out.push(markdownTable(['search', 'result', 'p50', 'p95', 'p99', `p95 ≤ ${TARGET_P95_MS} ms`], r.cases.map(caseRow), [false, false, true, true, true, false]));
  out.push('');
  out.push('Baselines in the same runs, interleaved with them (ms)');
  out.push(
    markdownTable(
      ['search', 'SQL by hand p50 / p95', 'Stroma ÷ SQL (p50)', 'node:http fixed body p50 / p95', 'Stroma ÷ fixed body (p50)', 'answer size'],
      r.cases.filter((c) => c.outcome === 'measured').map(baselineRow),
      [false, true, true, true, true, true],
    ),
  );
  out.push(
    'SQL by hand: the same lookup written as one indexed statement over the index tables (page and total), ' +
      'sent through pg on one connection. node:http fixed body: a bare server sending one of Stroma\'s answers ' +
      'to that search, no database. Both measured by the same client between Stroma runs.',
  );
  if (r.queryCpu) out.push(`CPU during the searches: ${cpuText(r.queryCpu)}`);
  out.push('');
  const failed = r.cases.filter((c) => c.outcome === 'failed');
  out.push(failed.length === 0 ? 'No failures: every answer was checked and held what its search asks for.' : 'FAILURES:');
  for (const c of failed) out.push(`  - ${c.label}: ${c.message}`);
  return out.join('\n');
}

function loadLines(load: LoadReport): string[] {
  const rows = Object.entries(load.indexRows)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${table} ${int(n)}`)
    .join(', ');
  return [
    `load: ${int(load.resources)} resources in ${load.seconds.toFixed(0)} s (${int(load.resources / load.seconds)}/s) through Repository.bulkCreate; ` +
      `CPU loader ${pct(load.cpu.server)} / pg ${pct(load.cpu.database)} / other ${pct(otherThanLoad(load.cpu))} / steal ${pct(load.cpu.steal)}`,
    `then VACUUM (ANALYZE) ${load.vacuumSeconds.toFixed(0)} s; database ${(load.databaseBytes / 1024 ** 3).toFixed(2)} GiB; index rows: ${rows}`,
  ];
}

/** The loader runs in this process, so cpuMeter's "client" is the same time as its "server". */
function otherThanLoad(cpu: CpuUse): number | undefined {
  if (cpu.machine === undefined || cpu.server === undefined) return undefined;
  return Math.max(0, cpu.machine - cpu.server - (cpu.database ?? 0));
}

function caseRow(c: CaseResult): string[] {
  if (c.outcome !== 'measured' || !c.stroma) {
    return [c.label, `${c.outcome} (${c.message ?? ''})`, '—', '—', '—', c.outcome === 'failed' ? 'FAIL' : 'n/a'];
  }
  const s = c.stroma;
  const result = `${fmt(c.medianEntries)} entries, total ${fmt(c.medianTotal)} (medians)`;
  return [c.label, result, ms(s.p50), ms(s.p95), ms(s.p99), s.p95 <= TARGET_P95_MS ? 'PASS' : 'FAIL'];
}

function baselineRow(c: CaseResult): string[] {
  const s = c.stroma as LatencyStats;
  const sql = c.sql as LatencyStats;
  const body = c.fixedBody as LatencyStats;
  return [
    c.label,
    `${ms(sql.p50)} / ${ms(sql.p95)}`,
    `${(s.p50 / sql.p50).toFixed(1)}×`,
    `${ms(body.p50)} / ${ms(body.p95)}`,
    `${(s.p50 / body.p50).toFixed(1)}×`,
    `${((c.responseBytes ?? 0) / 1024).toFixed(1)} KiB`,
  ];
}

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '—' : String(Math.round(v));
}

function int(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function pct(v: number | undefined): string {
  return v === undefined ? '?' : `${v.toFixed(0)}%`;
}
