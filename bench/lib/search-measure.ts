import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import type { Client } from 'pg';
import type { FixedBodyServer } from './fixed-body-server';
import { latencyStats, timed, timedGet, type LatencyStats } from './latency';
import type { Sample, SearchCase } from './search-queries';

export interface CaseResult {
  label: string;
  outcome: 'measured' | 'not supported' | 'failed';
  /** Why it is not supported or failed. */
  message?: string;
  stroma?: LatencyStats;
  /** The hand-written indexed SQL through pg. */
  sql?: LatencyStats;
  /** node:http sending one of Stroma's answers to this query. */
  fixedBody?: LatencyStats;
  /** Median number of matches (Bundle.total) and of entries per answer. */
  medianTotal?: number;
  medianEntries?: number;
  responseBytes?: number;
}

export interface MeasureOptions {
  origin: string;
  /** The bearer token's Authorization header. */
  authorization: string;
  sql: Client;
  floor: FixedBodyServer;
  draw: () => Sample;
  warmupRuns: number;
  runs: number;
  signal: AbortSignal;
}

// Strict handling: a parameter the server does not support is refused with 400 instead of being
// left out, which would time a different query than the one named.
const HEADERS = { accept: 'application/fhir+json', prefer: 'handling=strict' };

/**
 * Times one search: a first answer is probed (a 400 means "not supported"), then warm-up runs,
 * then `runs` runs, each with fresh random values. Every answer is checked: its matches hold what
 * the search asks for, and its total equals what the hand-written SQL finds for the same values.
 * Each timed run is followed by one run of the hand-written SQL and one of the fixed-body server
 * (with other random values), so the three series share the machine's noise.
 */
export async function measureCase(search: SearchCase, o: MeasureOptions): Promise<CaseResult> {
  const result: CaseResult = { label: search.label, outcome: 'failed' };
  const first = o.draw();
  const probe = await timedGet(o.origin + search.path(first), { ...HEADERS, authorization: o.authorization }, o.signal);
  if (probe.status === 400) {
    return { ...result, outcome: 'not supported', message: `HTTP 400: ${diagnostics(probe.body)}` };
  }
  const failure = answerProblem(search, probe.status, probe.body, first);
  if (failure) return { ...result, message: failure };
  // The fixed-body server sends this first answer, whose size the report gives.
  const key = `case-${Math.random().toString(36).slice(2)}`;
  await o.floor.store(key, probe.body);

  for (let i = 0; i < o.warmupRuns; i++) {
    const x = o.draw();
    const answer = await timedGet(o.origin + search.path(x), { ...HEADERS, authorization: o.authorization }, o.signal);
    const problem = answerProblem(search, answer.status, answer.body, x) ?? (await totalProblem(search, answer.body, x, o.sql));
    if (problem) return { ...result, message: `warm-up: ${problem}` };
  }

  const stroma: number[] = [];
  const sql: number[] = [];
  const fixedBody: number[] = [];
  const totals: number[] = [];
  const entries: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const x = o.draw();
    const answer = await timedGet(o.origin + search.path(x), { ...HEADERS, authorization: o.authorization }, o.signal);
    // Checked after timing: the check's SQL reads what the answer has just read.
    const problem = answerProblem(search, answer.status, answer.body, x) ?? (await totalProblem(search, answer.body, x, o.sql));
    if (problem) return { ...result, message: `run ${i + 1}: ${problem}` };
    stroma.push(answer.ms);
    const bundle = JSON.parse(answer.body) as Bundle;
    totals.push(bundle.total ?? Number.NaN);
    entries.push(bundle.entry?.length ?? 0);
    const y = o.draw();
    sql.push((await timed(() => o.sql.query(search.baseline.sql, search.baseline.values(y)))).ms);
    fixedBody.push((await timedGet(`${o.floor.origin}/${key}`, {}, o.signal)).ms);
  }
  return {
    ...result,
    outcome: 'measured',
    stroma: latencyStats(stroma),
    sql: latencyStats(sql),
    fixedBody: latencyStats(fixedBody),
    medianTotal: latencyStats(totals).p50,
    medianEntries: latencyStats(entries).p50,
    responseBytes: Buffer.byteLength(probe.body),
  };
}

function answerProblem(search: SearchCase, status: number, body: string, x: Sample): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${diagnostics(body)}`;
  let bundle: Bundle;
  try {
    bundle = JSON.parse(body) as Bundle;
  } catch {
    return 'the answer is not JSON';
  }
  const problem = search.check(bundle, x);
  return problem ? `${search.path(x)}: ${problem}` : undefined;
}

/** Stroma's total against the hand-written SQL's count for the same values, where both have one. */
async function totalProblem(search: SearchCase, body: string, x: Sample, sql: Client): Promise<string | undefined> {
  if (!search.baseline.countsMatches) return undefined;
  const bundle = JSON.parse(body) as Bundle;
  const { rows } = await sql.query<{ total: string }>(search.baseline.sql, search.baseline.values(x));
  const expected = rows.length === 0 ? 0 : Number(rows[0].total);
  return bundle.total === expected ? undefined : `${search.path(x)}: total ${bundle.total}, the hand-written SQL finds ${expected}`;
}

/** The diagnostics of an OperationOutcome answer, else the start of the body. */
export function diagnostics(body: string): string {
  try {
    const outcome = JSON.parse(body) as OperationOutcome;
    const text = outcome.issue?.map((i) => i.diagnostics ?? i.details?.text ?? i.code).join('; ');
    if (text) return text;
  } catch {
    // not JSON
  }
  return body.slice(0, 300);
}
