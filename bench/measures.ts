/**
 * Trial summaries at scale: `npm run bench:measures` (issue 8, point 5).
 *
 * Builds one study with NCT04356287's design (placebo, one infusion, two infusions; double masking)
 * and BENCH_SITES sites, BENCH_SUBJECTS subjects at every point of the schedule (on study, follow-up,
 * off study, withdrawn with a reason, ineligible), their infusions, BENCH_OBSERVATIONS Observations
 * (mRSS at M0, M1, M3 and M12, the SSc labs, weights) and BENCH_ADVERSE_EVENTS AdverseEvents (grades
 * 1-5, related or not, serious or not), all with the demo's builders (src/trial/demo), so the data has
 * the shapes the server accepts (bench/lib/measures-*.ts). Loads them into a throwaway PostgreSQL 15
 * cluster through Repository.bulkCreate, VACUUM (ANALYZE)s, starts the server as a child process,
 * reads back and $validates a sample of every type, then times each summary over HTTP: warm-up runs,
 * then BENCH_RUNS runs, each answer checked to be a MeasureReport with status complete; p50 and max
 * against the target (under 2 s), and ratios to named baselines measured between the runs: the
 * server's `AdverseEvent?study=…&_summary=count` and plain SQL counts through pg. Last, five more
 * subjects (one per arm, a withdrawn one, an ineligible one) are written as a transaction through
 * the server, to show the generated shapes pass every write rule too (the timings are taken before).
 *
 * An operation the server does not have yet (400, 404, 405 or 501) is reported as "not available
 * yet"; it does not stop the bench.
 *
 * Knobs (env): BENCH_SITES=200 BENCH_SUBJECTS=10000 BENCH_OBSERVATIONS=500000
 *   BENCH_ADVERSE_EVENTS=50000 BENCH_RUNS=10 BENCH_WARMUP_RUNS=2 BENCH_CHECK_PER_TYPE=5 (0: no check)
 *   BENCH_SHARED_BUFFERS, BENCH_DATABASE_URL, BENCH_KEEP_DATABASE=1, BENCH_REUSE_DATABASE_URL: as in
 *   bench:search.
 * Exit status: 0 when every operation was measured or reported as not available (targets may still
 * FAIL), 1 when one failed (a wrong answer, an error) or a loaded resource is invalid, 130 on Ctrl-C.
 */
import { Client } from 'pg';
import { benchDatabaseEnv, openBenchDatabase, serveBenchDatabase } from './lib/bench-database';
import { Cleanup } from './lib/cleanup';
import { cpuMeter } from './lib/cpu';
import { checkLoadedResources, checkWritePath, type TypeCheck, type WriteCheck } from './lib/measures-check';
import { extraSubjects, measuresDataset, type MeasuresSize } from './lib/measures-data';
import { measureOperations } from './lib/measures-ops';
import { renderMeasuresReport } from './lib/measures-report';
import { BENCH_STUDY_IDENTIFIER, benchStudy } from './lib/measures-study';
import { log, logStart, positiveInt, runBench } from './lib/run';
import { loadResources, type LoadReport } from './lib/search-load';

const size: MeasuresSize = {
  sites: positiveInt('BENCH_SITES', 200),
  subjects: positiveInt('BENCH_SUBJECTS', 10_000),
  observations: positiveInt('BENCH_OBSERVATIONS', 500_000),
  adverseEvents: positiveInt('BENCH_ADVERSE_EVENTS', 50_000),
};
const runs = positiveInt('BENCH_RUNS', 10);
const warmupRuns = positiveInt('BENCH_WARMUP_RUNS', 2);
const checkPerType = process.env.BENCH_CHECK_PER_TYPE === '0' ? 0 : positiveInt('BENCH_CHECK_PER_TYPE', 5);
const { reuseUrl, adminUrl, keepDatabase, sharedBuffers } = benchDatabaseEnv();

const cleanup = new Cleanup();
const abort = new AbortController();

async function main(): Promise<number> {
  const machine = logStart('bench:measures');
  const { url, postmasterPid, description } = await openBenchDatabase({ reuseUrl, adminUrl, keepDatabase, sharedBuffers, cleanup, log });
  log(description);

  let load: LoadReport | undefined;
  let counts: Record<string, number> | undefined;
  let mix: Record<string, number> | undefined;
  let studyId: string | undefined;
  if (!reuseUrl) {
    log('planning the data set (every subject is built once to count its Observations)…');
    const dataset = measuresDataset(size);
    load = await loadResources(url, dataset.resources, dataset.total, postmasterPid);
    counts = dataset.counts;
    mix = dataset.mix;
    studyId = dataset.studyId;
    log(`loaded ${load.resources} resources in ${load.seconds.toFixed(0)} s; VACUUM (ANALYZE) ${load.vacuumSeconds.toFixed(0)} s`);
  }

  const { server, sql } = await serveBenchDatabase(url, cleanup, log);
  studyId ??= await findStudy(sql);

  let checks: TypeCheck[] = [];
  if (checkPerType > 0) {
    log(`reading back and $validating ${checkPerType} resources of each type (more ResearchSubjects and AdverseEvents)…`);
    checks = await checkLoadedResources(server.origin, server.authorization, sql, checkPerType);
    for (const c of checks) for (const p of c.problems) log(`  INVALID ${p}`);
  }

  const meter = cpuMeter(server.pid, postmasterPid);
  const { operations, baselines } = await measureOperations(
    { origin: server.origin, authorization: server.authorization, sql, studyId, warmupRuns, runs, signal: abort.signal },
    log,
  );
  const cpu = meter();
  let write: WriteCheck | undefined;
  if (checkPerType > 0) {
    log('writing 5 more subjects as a transaction through the server (every write rule)…');
    write = await checkWritePath(server.origin, server.authorization, extraSubjects(studyId, benchStudy(size.subjects, size.sites).design, size.subjects + 1));
    if (write.problem) log(`  REFUSED ${write.problem}`);
  }
  await server.stop();
  if (server.problems.length > 0) log(`server logged ${server.problems.length} warning/error line(s); first: ${server.problems[0].text.slice(0, 400)}`);

  process.stdout.write(`\n${renderMeasuresReport({ machine, database: description, size, counts, mix, load, checks, write, operations, baselines, cpu, runs, warmupRuns })}\n`);
  if (keepDatabase && !reuseUrl) process.stdout.write(`\nkept the loaded database: BENCH_REUSE_DATABASE_URL=${url}\n`);
  const invalid = checks.some((c) => c.problems.length > 0) || write?.problem !== undefined;
  return invalid || operations.some((o) => o.outcome === 'failed') ? 1 : 0;
}

/** The bench study of a database loaded by an earlier run. */
async function findStudy(sql: Client): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM resource WHERE resource_type = 'ResearchStudy' AND NOT deleted AND content->'identifier' @> $1::jsonb`,
    [JSON.stringify([BENCH_STUDY_IDENTIFIER])],
  );
  if (rows.length !== 1) throw new Error(`expected one bench:measures ResearchStudy (${BENCH_STUDY_IDENTIFIER.value}) in the database, found ${rows.length}`);
  return rows[0].id;
}

runBench('bench:measures', main, cleanup, abort, log);
