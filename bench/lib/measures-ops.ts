import type { MeasureReport } from '@medplum/fhirtypes';
import type { Client } from 'pg';
import { latencyStats, timed, timedGet, type LatencyStats } from './latency';
import { diagnostics } from './search-measure';

/**
 * Issue 8's summaries, timed over HTTP one request at a time, and the named baselines timed between
 * their runs (the same machine noise for both): the server counting the study's AdverseEvents
 * (`_summary=count`, a search the summaries cannot beat by much since they read at least those rows)
 * and the same counts as plain SQL through pg.
 */

export interface OperationCase {
  label: string;
  path: (studyId: string) => string;
}

export const AS_OF = '2025-06-30';

export const OPERATIONS: readonly OperationCase[] = [
  { label: '$safety-summary', path: (id) => `/fhir/ResearchStudy/${id}/$safety-summary` },
  { label: `$safety-summary?as-of=${AS_OF}`, path: (id) => `/fhir/ResearchStudy/${id}/$safety-summary?as-of=${AS_OF}` },
  { label: '$efficacy-summary', path: (id) => `/fhir/ResearchStudy/${id}/$efficacy-summary` },
  { label: '$participant-flow', path: (id) => `/fhir/ResearchStudy/${id}/$participant-flow` },
];

export interface Baseline {
  label: string;
  run: (o: MeasureOptions) => Promise<{ ms: number; count: number }>;
}

const STUDY_ROWS = `FROM idx_reference s JOIN resource r ON r.rid = s.rid
  WHERE s.resource_type = $1 AND s.param = 'study' AND s.target_type = 'ResearchStudy' AND s.target_id = $2 AND NOT r.deleted`;

async function sqlCount(o: MeasureOptions, type: string): Promise<{ ms: number; count: number }> {
  const { ms, value } = await timed(() => o.sql.query<{ n: string }>(`SELECT count(*) AS n ${STUDY_ROWS}`, [type, o.studyId]));
  return { ms, count: Number(value.rows[0].n) };
}

export const BASELINES: readonly Baseline[] = [
  {
    label: 'GET AdverseEvent?study=…&_summary=count',
    run: async (o) => {
      const answer = await timedGet(`${o.origin}/fhir/AdverseEvent?study=ResearchStudy/${o.studyId}&_summary=count`, headers(o), o.signal);
      if (answer.status !== 200) throw new Error(`AdverseEvent?study=…&_summary=count answered ${answer.status}: ${diagnostics(answer.body)}`);
      return { ms: answer.ms, count: (JSON.parse(answer.body) as { total?: number }).total ?? Number.NaN };
    },
  },
  { label: "SQL count(*) of the study's AdverseEvents", run: (o) => sqlCount(o, 'AdverseEvent') },
  { label: "SQL count(*) of the study's Observations", run: (o) => sqlCount(o, 'Observation') },
];

export interface MeasureOptions {
  origin: string;
  authorization: string;
  sql: Client;
  studyId: string;
  warmupRuns: number;
  runs: number;
  signal: AbortSignal;
}

export interface OperationResult {
  label: string;
  outcome: 'measured' | 'not available yet' | 'failed';
  message?: string;
  stats?: LatencyStats;
  responseBytes?: number;
  /** What the first answer held: its groups and their populations, briefly. */
  summary?: string;
}

export interface BaselineResult {
  label: string;
  stats: LatencyStats;
  count: number;
}

function headers(o: MeasureOptions): Record<string, string> {
  return { accept: 'application/fhir+json', authorization: o.authorization };
}

/** Statuses that mean the operation is not there yet (unknown operation, or not routed). */
const NOT_AVAILABLE = new Set([400, 404, 405, 501]);

/** Times every operation: a probe, warm-up runs, then `runs` runs, each followed by one run of every baseline. */
export async function measureOperations(o: MeasureOptions, log: (line: string) => void): Promise<{ operations: OperationResult[]; baselines: BaselineResult[] }> {
  const operations: OperationResult[] = [];
  const baselineSamples = new Map<string, { ms: number[]; count: number }>(BASELINES.map((b) => [b.label, { ms: [], count: Number.NaN }]));
  for (const op of OPERATIONS) {
    const url = o.origin + op.path(o.studyId);
    const probe = await timedGet(url, headers(o), o.signal);
    if (NOT_AVAILABLE.has(probe.status)) {
      operations.push({ label: op.label, outcome: 'not available yet', message: `HTTP ${probe.status}: ${diagnostics(probe.body)}` });
      log(`${op.label}: not available yet (HTTP ${probe.status})`);
      continue;
    }
    const first = reportProblem(probe.status, probe.body);
    if (first) {
      operations.push({ label: op.label, outcome: 'failed', message: first });
      log(`${op.label}: FAILED: ${first}`);
      continue;
    }
    log(`${op.label}: first answer in ${probe.ms.toFixed(0)} ms; ${o.warmupRuns} warm-up + ${o.runs} runs…`);
    const samples: number[] = [];
    let failure: string | undefined;
    for (let i = 0; i < o.warmupRuns + o.runs && !failure; i++) {
      const answer = await timedGet(url, headers(o), o.signal);
      failure = reportProblem(answer.status, answer.body);
      if (i < o.warmupRuns || failure) continue;
      samples.push(answer.ms);
      await runBaselines(o, baselineSamples);
    }
    if (failure) {
      operations.push({ label: op.label, outcome: 'failed', message: failure });
      continue;
    }
    const stats = latencyStats(samples);
    log(`  p50 ${stats.p50.toFixed(0)} ms, max ${stats.max.toFixed(0)} ms`);
    operations.push({ label: op.label, outcome: 'measured', stats, responseBytes: Buffer.byteLength(probe.body), summary: summarize(probe.body) });
  }
  // No operation measured (none on the server yet): the baselines alone, so the run still says what they cost.
  if ([...baselineSamples.values()].every((b) => b.ms.length === 0)) {
    for (let i = 0; i < o.runs; i++) await runBaselines(o, baselineSamples);
  }
  const baselines: BaselineResult[] = [];
  for (const [label, { ms, count }] of baselineSamples) if (ms.length > 0) baselines.push({ label, stats: latencyStats(ms), count });
  return { operations, baselines };
}

async function runBaselines(o: MeasureOptions, samples: Map<string, { ms: number[]; count: number }>): Promise<void> {
  for (const baseline of BASELINES) {
    const { ms, count } = await baseline.run(o);
    const entry = samples.get(baseline.label);
    if (entry) {
      entry.ms.push(ms);
      entry.count = count;
    }
  }
}

function reportProblem(status: number, body: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${diagnostics(body)}`;
  let report: MeasureReport;
  try {
    report = JSON.parse(body) as MeasureReport;
  } catch {
    return 'the answer is not JSON';
  }
  if (report.resourceType !== 'MeasureReport') return `a ${String(report.resourceType)}, not a MeasureReport`;
  if (report.status !== 'complete') return `MeasureReport.status ${String(report.status)}, not complete`;
  return undefined;
}

/** "3 groups; Placebo infusions: initial-population 3,210, …" from the first few populations. */
function summarize(body: string): string {
  const report = JSON.parse(body) as MeasureReport;
  const groups = report.group ?? [];
  const first = groups[0];
  const populations = (first?.population ?? [])
    .slice(0, 3)
    .map((p) => `${p.code?.coding?.[0]?.code ?? p.code?.text ?? '?'} ${p.count ?? '?'}`)
    .join(', ');
  const name = first?.code?.text ?? first?.code?.coding?.[0]?.code ?? first?.id ?? 'group 1';
  return `${groups.length} group(s)${populations ? `; ${name}: ${populations}` : ''}`;
}

