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
  return [
    'resources/s on one core (median of 3 runs; the runs in brackets)',
    '',
    '| input | Stroma | @medplum/core | Stroma ÷ medplum |',
    '|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.type}, ${r.mode} | ${int(r.stroma.median)} (${runsText(r.stroma, int)}) | ` +
        `${int(r.medplum.median)} (${runsText(r.medplum, int)}) | ${ratio(r.stroma.median, r.medplum.median)} |`,
    ),
  ];
}

function bundleTable(rows: readonly BundleRow[]): string[] {
  const msText = (v: number) => v.toFixed(v < 100 ? 1 : 0);
  return [
    'transaction Bundles: ms to validate the whole Bundle (median of 3 runs; the runs in brackets)',
    '',
    '| Bundle | Stroma (ms) | Stroma errors | @medplum/core (ms) | medplum errors | Stroma ÷ medplum (speed) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const theirs = r.medplum ? `${msText(r.medplum.median)} (${runsText(r.medplum, msText)})` : '—';
      const speed = r.medplum ? ratio(r.medplum.median, r.stroma.median) : '';
      return `| ${r.label} | ${msText(r.stroma.median)} (${runsText(r.stroma, msText)}) | ${r.stromaErrors} | ${theirs} | ${r.medplumErrors ?? '—'} | ${speed} |`;
    }),
  ];
}

function targets(report: ValidateReport): string[] {
  const lines = ['targets (issue 4, point 7)'];
  const observations = report.rows.find((r) => r.type === 'Observation' && r.mode === 'profiled');
  if (observations) {
    const perSecond = observations.stroma.median;
    lines.push(
      `- profiled Observations/s >= ${int(TARGETS.profiledObservationsPerSecond)}: ${int(perSecond)} ` +
        `(${ratio(perSecond, TARGETS.profiledObservationsPerSecond)} the target) — ${verdict(perSecond >= TARGETS.profiledObservationsPerSecond)}`,
    );
  }
  for (const row of report.rows.filter((r) => r.mode === 'profiled')) {
    const r = row.stroma.median / row.medplum.median;
    lines.push(`- profiled ${row.type}s >= ${TARGETS.ratioToMedplum}× @medplum/core: ${r.toFixed(1)}× — ${verdict(r >= TARGETS.ratioToMedplum)}`);
  }
  const transaction = report.bundles[0];
  if (transaction) {
    const ms = transaction.stroma.median;
    lines.push(`- ${transaction.label} validated in < ${int(TARGETS.transactionMs)} ms: ${ms.toFixed(0)} ms — ${verdict(ms < TARGETS.transactionMs)}`);
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
    for (const d of differences) lines.push(`- ${d.label} [${d.mode}] — Stroma: ${d.stroma}; @medplum/core: ${d.medplum}`);
  }
  return lines;
}
