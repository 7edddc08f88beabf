import type { BaselineRun } from './export-baseline';
import type { MemoryPeak } from './export-memory';
import type { ExportRun } from './export-run';

export const TARGET_PER_SECOND = 20_000;
export const TARGET_RSS_GROWTH_MB = 50;

export interface MeasuredExport {
  run: ExportRun;
  memory: MemoryPeak;
  cpu: string;
  /** Stored vs exported per type where they differ (empty: nothing lost). */
  lost: string[];
}

export interface ExportReport {
  machine: string;
  database: string;
  loaded: string;
  idleRssMb: number;
  exports: MeasuredExport[];
  baselines: BaselineRun[];
}

const rate = (resources: number, seconds: number) => resources / seconds;
const mb = (n: number) => n.toFixed(1);
const verdict = (ok: boolean) => (ok ? '**PASS**' : '**FAIL**');

/** The Markdown section for bench/RESULTS.md: throughput and memory against the targets, and the baselines as ratios. */
export function renderExportReport(r: ExportReport): string {
  const copy = r.baselines.find((b) => b.label.startsWith('COPY'));
  const lines = [
    `## bench:export — ${new Date().toISOString()}`,
    '',
    r.machine,
    r.database,
    r.loaded,
    '',
    `| export | resources | files | MB | job s | total s | resources/s | ≥ ${TARGET_PER_SECOND.toLocaleString('en')}/s | ÷ COPY | CPU |`,
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---|',
  ];
  for (const { run, cpu } of r.exports) {
    const perSecond = rate(run.resources, run.seconds);
    const ratio = copy ? (perSecond / rate(copy.resources, copy.seconds)).toFixed(2) : '—';
    lines.push(`| ${run.label} | ${run.resources} | ${run.files} | ${mb(run.bytes / 1e6)} | ${run.jobSeconds.toFixed(1)} | ${run.seconds.toFixed(1)} | ${Math.round(perSecond)} | ${verdict(perSecond >= TARGET_PER_SECOND)} | ${ratio} | ${cpu} |`);
  }
  lines.push('', `Server memory (MB; idle: median VmRSS over 3 s after the warm-up export, ${mb(r.idleRssMb)} MB):`, '');
  lines.push(`| export | peak VmRSS sampled every 100 ms | VmHWM | peak − idle | within ${TARGET_RSS_GROWTH_MB} MB of idle |`, '|---|---:|---:|---:|---|');
  for (const { run, memory } of r.exports) {
    const peak = Math.max(memory.peakRssMb, memory.hwmReset ? memory.hwmMb : 0);
    const hwm = `${mb(memory.hwmMb)}${memory.hwmReset ? '' : ' (not reset: since start)'}`;
    lines.push(`| ${run.label} | ${mb(memory.peakRssMb)} (${memory.samples} samples) | ${hwm} | ${mb(peak - r.idleRssMb)} | ${verdict(peak - r.idleRssMb <= TARGET_RSS_GROWTH_MB)} |`);
  }
  lines.push('', '| baseline | resources | s | resources/s | system export ÷ baseline |', '|---|---:|---:|---:|---:|');
  const system = r.exports[0]?.run;
  for (const b of r.baselines) {
    const ratio = system ? (rate(system.resources, system.seconds) / rate(b.resources, b.seconds)).toFixed(2) : '—';
    lines.push(`| ${b.label} | ${b.resources} | ${b.seconds.toFixed(1)} | ${Math.round(rate(b.resources, b.seconds))} | ${ratio} |`);
  }
  lines.push('');
  for (const { run, lost } of r.exports) {
    const problems = [...lost, ...run.problems];
    lines.push(`${run.label}: ${problems.length === 0 ? 'every stored resource exported once per type, every file as long as the manifest says' : `PROBLEMS: ${problems.join('; ')}`}.`);
  }
  return lines.join('\n');
}
