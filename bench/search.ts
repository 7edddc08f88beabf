/**
 * Search latency bench: `npm run bench:search` (issue 3, point 6).
 *
 * Starts a throwaway PostgreSQL 15 cluster (scripts/with-postgres.sh) with shared_buffers at a
 * quarter of the RAM, the starting point PostgreSQL's documentation gives for a dedicated server
 * (the stock 128 MB holds a few percent of this data set), loads the data set through the store's
 * bulk path (Repository.bulkCreate, with a progress bar), VACUUM (ANALYZE)s it, starts
 * the server as a child process, then times each search of issue 3 over HTTP, one request at a
 * time: warm-up runs, then BENCH_RUNS runs with random values, each answer checked. Prints
 * p50/p95/p99 against the target (p95 ≤ 20 ms) and, measured in the same runs, the same lookup as
 * hand-written SQL through pg and a bare node:http server sending the same answer.
 *
 * A search the server does not support yet (HTTP 400 under Prefer: handling=strict) is reported as
 * "not supported" with the server's message; it does not stop the bench.
 *
 * Knobs (env): BENCH_OBSERVATIONS=1000000 BENCH_PATIENTS=10000 BENCH_ADVERSE_EVENTS=5000
 *   BENCH_STUDIES=3 BENCH_RUNS=200 BENCH_WARMUP_RUNS=20
 *   BENCH_SHARED_BUFFERS=4GB: the throwaway cluster's shared_buffers (`stock`: PostgreSQL's 128 MB).
 *   BENCH_DATABASE_URL: a superuser URL; a fresh database is created there (and dropped) instead
 *     of starting a cluster; its settings are left as they are.
 *   BENCH_KEEP_DATABASE=1: keep the loaded database (needs BENCH_DATABASE_URL) and print its URL.
 *   BENCH_REUSE_DATABASE_URL: a database loaded by an earlier run; the load is skipped.
 * Exit status: 0 when every search was measured or reported as not supported (targets may still
 * FAIL), 1 when a search failed (a wrong answer, an error other than 400), 130 on Ctrl-C.
 */
import { Client } from 'pg';
import { benchDatabaseEnv, openBenchDatabase, serveBenchDatabase, type OpenedBenchDatabase } from './lib/bench-database';
import { Cleanup } from './lib/cleanup';
import { log, logStart, positiveInt, runBench } from './lib/run';
import { cpuMeter } from './lib/cpu';
import { startFixedBodyServer } from './lib/fixed-body-server';
import { PATIENT_SYSTEM, type DatasetSize } from './lib/search-data';
import { loadDataset, type LoadReport } from './lib/search-load';
import { measureCase, type CaseResult } from './lib/search-measure';
import { SEARCH_CASES, type Sample } from './lib/search-queries';
import { renderSearchReport } from './lib/search-report';

const size: DatasetSize = {
  observations: positiveInt('BENCH_OBSERVATIONS', 1_000_000),
  patients: positiveInt('BENCH_PATIENTS', 10_000),
  adverseEvents: positiveInt('BENCH_ADVERSE_EVENTS', 5_000),
  studies: positiveInt('BENCH_STUDIES', 3),
};
const runs = positiveInt('BENCH_RUNS', 200);
const warmupRuns = positiveInt('BENCH_WARMUP_RUNS', 20);
const { reuseUrl, adminUrl, keepDatabase, sharedBuffers } = benchDatabaseEnv();

const cleanup = new Cleanup();
const abort = new AbortController();

async function main(): Promise<number> {
  const machine = logStart('bench:search');

  const { url, postmasterPid, description } = await database();
  log(description);
  let load: LoadReport | undefined;
  if (!reuseUrl) {
    load = await loadDataset(url, size, postmasterPid);
    log(`loaded ${load.resources} resources in ${load.seconds.toFixed(0)} s; VACUUM (ANALYZE) ${load.vacuumSeconds.toFixed(0)} s`);
  }

  const { server, sql } = await serveBenchDatabase(url, cleanup, log);
  const floor = await startFixedBodyServer();
  cleanup.add('stop fixed-body server', () => floor.stop());

  const draw = await sampler(sql);
  const cases: CaseResult[] = [];
  const meter = cpuMeter(server.pid, postmasterPid);
  for (const search of SEARCH_CASES) {
    log(`${search.label}: ${warmupRuns} warm-up + ${runs} runs…`);
    const result = await measureCase(search, { origin: server.origin, authorization: server.authorization, sql, floor, draw, warmupRuns, runs, signal: abort.signal });
    const s = result.stroma;
    log(s ? `  p50 ${s.p50.toFixed(2)} p95 ${s.p95.toFixed(2)} p99 ${s.p99.toFixed(2)} ms` : `  ${result.outcome}: ${result.message}`);
    cases.push(result);
  }
  const queryCpu = meter();
  await server.stop();
  if (server.problems.length > 0) log(`server logged ${server.problems.length} warning/error line(s); first: ${server.problems[0].text.slice(0, 400)}`);

  process.stdout.write(`\n${renderSearchReport({ machine, database: description, size, load, cases, queryCpu, runs, warmupRuns })}\n`);
  if (keepDatabase && !reuseUrl) process.stdout.write(`\nkept the loaded database: BENCH_REUSE_DATABASE_URL=${url}\n`);
  return cases.some((c) => c.outcome === 'failed') ? 1 : 0;
}

/** The database to load and search: reused, created in BENCH_DATABASE_URL's server, or in a throwaway cluster. */
function database(): Promise<OpenedBenchDatabase> {
  return openBenchDatabase({ reuseUrl, adminUrl, keepDatabase, sharedBuffers, cleanup, log });
}

/** Draws a random patient (with its identifier) and study from what the database holds. */
async function sampler(sql: Client): Promise<() => Sample> {
  const patients = await sql.query<{ id: string; value: string }>(
    `SELECT id, content->'identifier'->0->>'value' AS value FROM resource
     WHERE resource_type = 'Patient' AND NOT deleted AND content->'identifier'->0->>'system' = $1`,
    [PATIENT_SYSTEM],
  );
  const studies = await sql.query<{ id: string }>(`SELECT id FROM resource WHERE resource_type = 'ResearchStudy' AND NOT deleted`);
  if (patients.rows.length === 0 || studies.rows.length === 0) throw new Error('the database holds no bench Patients or ResearchStudies');
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
  return () => {
    const p = pick(patients.rows);
    return { patientId: p.id, identifier: `${PATIENT_SYSTEM}|${p.value}`, studyId: pick(studies.rows).id };
  };
}

runBench('bench:search', main, cleanup, abort, log);
