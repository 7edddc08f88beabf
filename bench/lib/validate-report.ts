import type { Timing } from './validate-measure';
import type { VerdictComparison } from './validate-verdicts';

export const TARGETS = { profiledObservationsPerSecond: 20_000, ratioToMedplum: 10, transactionMs: 2_000 } as const;

export interface ThroughputRow {
  type: string;
  mode: 'base R4' | 'profiled';
  stroma: Timing;
  medplum: Timing;
}

export interface BundleRow {
  label: string;
  stroma: Timing;
  stromaErrors: number;
  medplum?: Timing;
  medplumErrors?: number;
}

export interface ValidateReport {
  header: string[];
  rows: ThroughputRow[];
  bundles: BundleRow[];
  verdicts: VerdictComparison;
}

const int = (v: number) => Math.round(v).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const runsText = (t: Timing, format: (v: number) => string) => t.runs.map(format).join(' / ');

export function renderValidateReport(report: ValidateReport): string {
  return [...report.header, '', ...throughputTable(report.rows), '', ...bundleTable(report.bundles), '', ...targets(report), '', ...verdicts(report.verdicts)].join('\n');
}

function throughputTable(rows: readonly ThroughputRow[]): string[] {
  const share = (t: Timing) => `${Math.round(t.cpuShare * 100)}%`;
  return [
    'resources/s on one core: wall clock (median of 3 runs; the runs in brackets), and per second of the bench',
    "process's CPU time with the share of a core it got (other processes share the machine's cores)",
    '',
    '| input | Stroma /s | @medplum/core /s | Stroma ÷ medplum | Stroma /CPU-s | medplum /CPU-s | ÷ (CPU) | CPU share (Stroma, medplum) |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.type}, ${r.mode} | ${int(r.stroma.median)} (${runsText(r.stroma, int)}) | ` +
        `${int(r.medplum.median)} (${runsText(r.medplum, int)}) | ${ratio(r.stroma.median, r.medplum.median)} | ` +
        `${int(r.stroma.cpuMedian)} | ${int(r.medplum.cpuMedian)} | ${ratio(r.stroma.cpuMedian, r.medplum.cpuMedian)} | ` +
        `${share(r.stroma)}, ${share(r.medplum)} |`,
    ),
  ];
}

function bundleTable(rows: readonly BundleRow[]): string[] {
  const msText = (v: number) => v.toFixed(v < 100 ? 1 : 0);
  return [
    'transaction Bundles: ms to validate the whole Bundle, wall clock (median of 3 runs; the runs in brackets) and CPU time',
    '',
    '| Bundle | Stroma (ms) | Stroma CPU (ms) | Stroma errors | @medplum/core (ms) | medplum CPU (ms) | medplum errors | Stroma ÷ medplum (speed) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const theirs = r.medplum ? `${msText(r.medplum.median)} (${runsText(r.medplum, msText)}) | ${msText(r.medplum.cpuMedian)}` : '— | —';
      const speed = r.medplum ? ratio(r.medplum.median, r.stroma.median) : '';
      const ours = `${msText(r.stroma.median)} (${runsText(r.stroma, msText)}) | ${msText(r.stroma.cpuMedian)}`;
      return `| ${r.label} | ${ours} | ${r.stromaErrors} | ${theirs} | ${r.medplumErrors ?? '—'} | ${speed} |`;
    }),
  ];
}

function targets(report: ValidateReport): string[] {
  const lines = ['targets (issue 4, point 7); the verdict is on the wall-clock median, the CPU-time figure follows it'];
  const observations = report.rows.find((r) => r.type === 'Observation' && r.mode === 'profiled');
  if (observations) {
    const { median: perSecond, cpuMedian } = observations.stroma;
    const target = TARGETS.profiledObservationsPerSecond;
    lines.push(
      `- profiled Observations/s >= ${int(target)}: ${int(perSecond)} (${ratio(perSecond, target)} the target) — ${verdict(perSecond >= target)}; ` +
        `per CPU-second ${int(cpuMedian)} (${ratio(cpuMedian, target)}) — ${verdict(cpuMedian >= target)}`,
    );
  }
  for (const row of report.rows.filter((r) => r.mode === 'profiled')) {
    const wall = row.stroma.median / row.medplum.median;
    const cpu = row.stroma.cpuMedian / row.medplum.cpuMedian;
    lines.push(
      `- profiled ${row.type}s >= ${TARGETS.ratioToMedplum}× @medplum/core: ${wall.toFixed(1)}× — ${verdict(wall >= TARGETS.ratioToMedplum)}; ` +
        `in CPU time ${cpu.toFixed(1)}× — ${verdict(cpu >= TARGETS.ratioToMedplum)}`,
    );
  }
  const transaction = report.bundles[0];
  if (transaction) {
    const { median: ms, cpuMedian } = transaction.stroma;
    lines.push(
      `- ${transaction.label} validated in < ${int(TARGETS.transactionMs)} ms: ${ms.toFixed(0)} ms — ${verdict(ms < TARGETS.transactionMs)}; ` +
        `CPU ${cpuMedian.toFixed(0)} ms — ${verdict(cpuMedian < TARGETS.transactionMs)}`,
    );
  }
  return lines;
}

function verdicts(comparison: VerdictComparison): string[] {
  const differing = comparison.compared - comparison.agreed;
  const lines = [
    `verdicts (valid / invalid): ${comparison.compared} validations compared, same verdict on ${comparison.agreed}, different on ${differing}`,
  ];
  for (const [rule, differences] of comparison.groups) {
    lines.push('', `${rule} (${differences.length}):`);
    // Inputs failing on the same issues are listed together, so every input is named once.
    const byIssues = new Map<string, string[]>();
    for (const d of differences) {
      const key = `Stroma: ${d.stroma}; @medplum/core: ${d.medplum}`;
      byIssues.set(key, [...(byIssues.get(key) ?? []), `${d.label} [${d.mode}]`]);
    }
    for (const [issues, labels] of byIssues) lines.push(`- ${issues}`, `  on ${labels.join(', ')}`);
  }
  return lines;
}
