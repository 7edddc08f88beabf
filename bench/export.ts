/**
 * Bulk export at scale: `npm run bench:export` (issue 10, point 5).
 *
 * Starts a throwaway PostgreSQL 15 cluster (scripts/with-postgres.sh), loads --resources (1,000,000)
 * resources of two studies through Repository.bulkCreate (bench/lib/export-data.ts: Patients 1 %, one
 * ResearchSubject each, Observations most of it, AdverseEvents 2.5 %, MedicationAdministrations 1.5 %),
 * starts the server as a child process, runs a small warm-up export and takes the server's idle RSS
 * (median VmRSS over 3 s). Then, with the Bulk Data client of `npm run export` (src/cli/bulk-client.ts):
 * a system-level $export of everything and a Group-level one of the small study (a tenth of the
 * patients), each timed from kick-off to the last byte of the last file downloaded, while the server's
 * VmRSS is sampled every 100 ms and its VmHWM reset before and read after. Prints resources/s against
 * the target (≥ 20,000/s), peak RSS against idle (within 50 MB), and, measured in the same run, two
 * named baselines as ratios: PostgreSQL's COPY of the same rows into /dev/null, and the FHIR search API
 * paged through. Every export is checked against the database: per type, the stored count exported.
 *
 * The client polls at most every second (a longer Retry-After is cut to it, so the poll interval does not
 * hide the server's time); `npm run export` honours Retry-After as the server sends it.
 *
 * Arguments: --resources N (default 1000000; e.g. 100000 for a quick run).
 * Knobs (env): BENCH_SHARED_BUFFERS, BENCH_DATABASE_URL, BENCH_KEEP_DATABASE=1, BENCH_REUSE_DATABASE_URL:
 *   as in bench:search. BENCH_PAGING_RESOURCES=100000: Observations the search baseline pages through.
 * Exit status: 0 when every export held every stored resource (targets may still FAIL), 1 otherwise, 130 on Ctrl-C.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BulkClient, type ExportRequest } from '../src/cli/bulk-client';
import { benchDatabaseEnv, openBenchDatabase, serveBenchDatabase } from './lib/bench-database';
import { Cleanup } from './lib/cleanup';
import { cpuMeter } from './lib/cpu';
import { timeCopy, timeSearchPaging, type BaselineRun } from './lib/export-baseline';
import { exportDataset } from './lib/export-data';
import { idleRss, sampleMemory } from './lib/export-memory';
import { renderExportReport, type MeasuredExport } from './lib/export-report';
import { lost, timeExport } from './lib/export-run';
import { smallStudy, storedCounts } from './lib/export-stored';
import { sleep } from './lib/net';
import { cpuText } from './lib/report';
import { log, logStart, positiveInt, runBench } from './lib/run';
import { loadResources } from './lib/search-load';

const { values } = parseArgs({ args: process.argv.slice(2), options: { resources: { type: 'string', default: '1000000' } }, strict: true });
const resources = Number(values.resources);
if (!Number.isInteger(resources) || resources < 1000) throw new Error(`--resources ${values.resources}: expected an integer of at least 1000`);
const pagingResources = positiveInt('BENCH_PAGING_RESOURCES', 100_000);
const { reuseUrl, adminUrl, keepDatabase, sharedBuffers } = benchDatabaseEnv();

const cleanup = new Cleanup();
const abort = new AbortController();

async function main(): Promise<number> {
  const machine = logStart('bench:export');
  const { url, postmasterPid, description } = await openBenchDatabase({ reuseUrl, adminUrl, keepDatabase, sharedBuffers, cleanup, log });
  log(description);
  let loaded = `Data set: the database loaded earlier (${reuseUrl ?? ''}).`;
  if (!reuseUrl) {
    const dataset = exportDataset({ resources });
    const load = await loadResources(url, dataset.resources, dataset.total, postmasterPid);
    loaded = `Load: ${load.resources} resources (${Object.entries(dataset.counts).map(([t, n]) => `${t} ${n}`).join(', ')}) through Repository.bulkCreate in ${load.seconds.toFixed(0)} s, then VACUUM (ANALYZE) ${load.vacuumSeconds.toFixed(0)} s; database ${(load.databaseBytes / 2 ** 30).toFixed(2)} GiB.`;
    log(loaded);
  }

  const { server, sql } = await serveBenchDatabase(url, cleanup, log);
  const client = new BulkClient({ base: `${server.origin}/fhir`, token: server.authorization.replace(/^Bearer /, ''), maxRetryMs: 1000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stroma-bench-export-'));
  cleanup.add('remove downloaded files', () => fs.rmSync(dir, { recursive: true, force: true }));

  log('warm-up: a small system export (ResearchStudy, Group, Patient)…');
  await timeExport('warm-up', client, { level: { kind: 'system' }, types: ['ResearchStudy', 'Group', 'Patient'] }, dir, log);
  await sleep(2000);
  const idleRssMb = await idleRss(server.pid, 3);
  log(`server idle RSS ${idleRssMb.toFixed(1)} MB`);

  const stored = await storedCounts(sql);
  const small = await smallStudy(sql);
  const measure = async (label: string, request: ExportRequest, expected: Record<string, number>): Promise<MeasuredExport> => {
    log(`${label}…`);
    const cpu = cpuMeter(server.pid, postmasterPid);
    const memory = sampleMemory(server.pid);
    const run = await timeExport(label, client, request, dir, log);
    const measured = { run, memory: memory(), cpu: cpuText(cpu()), lost: lost(expected, run.byType) };
    log(`  ${run.resources} resources, ${(run.bytes / 1e6).toFixed(0)} MB in ${run.seconds.toFixed(1)} s (job ${run.jobSeconds.toFixed(1)} s): ${Math.round(run.resources / run.seconds)}/s; peak RSS ${measured.memory.peakRssMb.toFixed(1)} MB, VmHWM ${measured.memory.hwmMb.toFixed(1)} MB`);
    return measured;
  };
  const exports = [
    await measure('system: GET /fhir/$export', { level: { kind: 'system' } }, stored),
    await measure('Group: the small study (a tenth of the patients)', { level: { kind: 'group', id: small.groupId } }, small.counts),
  ];

  log('baselines…');
  const total = Object.values(stored).reduce((a, b) => a + b, 0);
  const baselines: BaselineRun[] = [await timeCopy(url, total), await timeSearchPaging(server.origin, server.authorization, Math.min(pagingResources, stored.Observation ?? 0))];
  await server.stop();
  if (server.problems.length > 0) log(`server logged ${server.problems.length} warning/error line(s); first: ${server.problems[0].text.slice(0, 400)}`);

  process.stdout.write(`\n${renderExportReport({ machine, database: description, loaded, idleRssMb, exports, baselines })}\n`);
  if (keepDatabase && !reuseUrl) process.stdout.write(`\nkept the loaded database: BENCH_REUSE_DATABASE_URL=${url}\n`);
  return exports.every((e) => e.lost.length === 0 && e.run.problems.length === 0) ? 0 : 1;
}

runBench('bench:export', main, cleanup, abort, log);
