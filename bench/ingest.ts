/**
 * Hospital results taken in: `npm run bench:ingest` (issue 9, point 6).
 *
 * Starts the server as a child process over a throwaway PostgreSQL 15 cluster (with MLLP on), enrols
 * BENCH_PATIENTS participants in one study, and then, with full validation and every intake rule on:
 * - FHIR: an `ehr` client POSTs batch Bundles of 100 Observations (patients by MRN, results by the
 *   lab's accession number), BENCH_CONCURRENCY at a time, BENCH_FHIR_RESULTS results in all;
 * - HL7 v2: a laboratory sends ORU^R01 messages of 10 OBX over one MLLP connection with
 *   node-hl7-client, BENCH_HL7_RESULTS results in all: once in HL7's original mode (each message
 *   sent after the previous one's ACK), once sent ahead without waiting (pipelined);
 * (the database ANALYZEd after the warm-up, as autovacuum keeps a production one), and prints the
 * results stored per second of each path against the target (2,000/s) and, as a ratio,
 * against the named baseline measured in the same run: the same results written by an admin as
 * transaction Bundles of 100 with the patient already a reference (the plain write path, no intake).
 * The stored count is checked against what was sent.
 *
 * Knobs (env): BENCH_PATIENTS=200 BENCH_FHIR_RESULTS=20000 BENCH_HL7_RESULTS=20000 BENCH_CONCURRENCY=2
 *   BENCH_DATABASE_URL, BENCH_KEEP_DATABASE=1, BENCH_SHARED_BUFFERS: as in bench:search.
 * Exit status: 0 when every result was stored (targets may still FAIL), 1 otherwise, 130 on Ctrl-C.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { benchDatabaseEnv, openBenchDatabase, serveBenchDatabase } from './lib/bench-database';
import { benchClientAuthorization } from './lib/bench-token';
import { Cleanup } from './lib/cleanup';
import { cpuMeter } from './lib/cpu';
import { participantsBundle } from './lib/ingest-data';
import { ehrBatch, plainTransaction, timeBundles, type IngestRun } from './lib/ingest-fhir';
import { timeMllp } from './lib/ingest-hl7';
import { freePort } from './lib/net';
import { cpuText } from './lib/report';
import { log, logStart, positiveInt, runBench } from './lib/run';

const patients = positiveInt('BENCH_PATIENTS', 200);
const fhirResults = positiveInt('BENCH_FHIR_RESULTS', 20_000);
const hl7Results = positiveInt('BENCH_HL7_RESULTS', 20_000);
const concurrency = positiveInt('BENCH_CONCURRENCY', 2);
const TARGET = 2000;
const BUNDLE = 100;
const { adminUrl, keepDatabase, sharedBuffers } = benchDatabaseEnv();

const cleanup = new Cleanup();
const abort = new AbortController();

async function main(): Promise<number> {
  const machine = logStart('bench:ingest');
  const { url, postmasterPid, description } = await openBenchDatabase({ adminUrl, keepDatabase, sharedBuffers, cleanup, log });
  log(description);
  const mllpPort = await freePort();
  const { server, sql } = await serveBenchDatabase(url, cleanup, log, { MLLP_ENABLED: 'true', MLLP_PORT: String(mllpPort) });
  const admin = server.authorization;
  const patientIds = await enrol(server.origin, admin);
  log(`${patients} participants enrolled`);
  const ehr = await benchClientAuthorization(server.origin, url, 'ehr', 'system/Observation.cruds');

  const runs: { run: IngestRun; cpu: string }[] = [];
  const measure = async (make: () => Promise<IngestRun>) => {
    const cpu = cpuMeter(server.pid, postmasterPid);
    const run = await make();
    runs.push({ run, cpu: cpuText(cpu()) });
    log(`${run.label}: ${run.results} results in ${run.seconds.toFixed(1)} s, ${Math.round(run.perSecond)}/s, ${run.failed} not stored${run.firstFailure ? ` (first: ${run.firstFailure})` : ''}`);
  };
  const bundles = Math.ceil(fhirResults / BUNDLE);
  // Warm-up: the server's caches and JIT, on results the timed runs do not reuse.
  await timeBundles('warm-up', server.origin, ehr, { first: 10_000_000, bundles: 4, size: BUNDLE, concurrency, make: ehrBatch(patients) });
  await timeMllp('warm-up', mllpPort, { first: 10_000_000, messages: 20, patients, pipelined: false });
  // A production database has statistics (autovacuum's ANALYZE); a fresh one has none until enough
  // rows changed, and PostgreSQL then plans the identifier lookups as scans of the whole facility.
  await sql.query('ANALYZE');
  await measure(() => timeBundles('baseline: admin transactions, patients by reference', server.origin, admin, { first: 20_000_000, bundles, size: BUNDLE, concurrency, make: plainTransaction(patientIds) }));
  await measure(() => timeBundles('FHIR: ehr batches of 100', server.origin, ehr, { first: 0, bundles, size: BUNDLE, concurrency, make: ehrBatch(patients) }));
  const messages = Math.ceil(hl7Results / 10);
  await measure(() => timeMllp('HL7 v2: ORU^R01 of 10 OBX over one MLLP connection, each after the last ACK', mllpPort, { first: 0, messages, patients, pipelined: false }));
  await measure(() => timeMllp('HL7 v2: the same, sent ahead without waiting for ACKs', mllpPort, { first: 20_000_000, messages, patients, pipelined: true }));

  // Every result sent, warm-ups included, must be stored once: none lost, none twice.
  const sent = 4 * BUNDLE + 20 * 10 + runs.reduce((sum, { run }) => sum + run.results, 0);
  const stored = Number((await sql.query("SELECT count(*) AS n FROM resource WHERE resource_type = 'Observation' AND NOT deleted")).rows[0].n);
  log(`Observations stored: ${stored} of ${sent} sent`);

  const baseline = runs[0].run.perSecond;
  process.stdout.write(`\n## bench:ingest — ${new Date().toISOString()}\n\n${machine}\n${description}\n\n`);
  process.stdout.write('| path | results | s | results/s | target 2,000/s | ÷ baseline | not stored | CPU (server / pg) |\n|---|---:|---:|---:|---|---:|---:|---|\n');
  for (const { run, cpu } of runs) {
    const verdict = run === runs[0].run ? '(baseline)' : run.perSecond >= TARGET ? 'PASS' : 'FAIL';
    process.stdout.write(`| ${run.label} | ${run.results} | ${run.seconds.toFixed(1)} | ${Math.round(run.perSecond)} | ${verdict} | ${(run.perSecond / baseline).toFixed(2)} | ${run.failed} | ${cpu} |\n`);
  }
  process.stdout.write(`\nObservations stored: ${stored} of ${sent} sent (warm-ups included).\n`);
  return runs.every(({ run }) => run.failed === 0) && stored === sent ? 0 : 1;
}

/** One study and its participants, enrolled by the admin in transactions of 50; returns the Patient ids in MRN order. */
async function enrol(origin: string, authorization: string): Promise<string[]> {
  const post = async (path: string, body: object) => {
    const res = await fetch(`${origin}/fhir${path}`, { method: 'POST', headers: { Authorization: authorization, 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Bundle & { id?: string };
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json;
  };
  const study = await post('/ResearchStudy', { resourceType: 'ResearchStudy', status: 'active', title: 'bench:ingest' });
  const ids: string[] = [];
  for (let from = 0; from < patients; from += 50) {
    const answer = await post('', participantsBundle(`ResearchStudy/${study.id}`, from, Math.min(from + 50, patients)));
    const entries = answer.entry ?? [];
    for (let i = 0; i < entries.length; i += 3) ids.push((entries[i].response?.location ?? '').split('/')[1]);
  }
  return ids;
}

runBench('bench:ingest', main, cleanup, abort, log);
