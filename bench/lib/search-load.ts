import cliProgress from 'cli-progress';
import type { Resource } from '@medplum/fhirtypes';
import { Client } from 'pg';
import pino from 'pino';
import { buildDependencies } from '../../src/app';
import { cpuMeter, type CpuUse } from './cpu';
import { dataset, totalResources, type DatasetSize } from './search-data';

export interface LoadReport {
  resources: number;
  seconds: number;
  cpu: CpuUse;
  /** VACUUM (ANALYZE) after the load. */
  vacuumSeconds: number;
  databaseBytes: number;
  /** Rows per index table after the load. */
  indexRows: Record<string, number>;
}

/** Loads bench:search's data set (search-data.ts); see loadResources. */
export function loadDataset(databaseUrl: string, size: DatasetSize, postmasterPid: number | undefined): Promise<LoadReport> {
  return loadResources(databaseUrl, dataset(size), totalResources(size), postmasterPid);
}

/**
 * Loads resources through Repository.bulkCreate, the store's bulk path (the same statement,
 * versions and index rows as a create), with a progress bar on stderr, then VACUUM (ANALYZE)s the
 * database. The store is built by buildDependencies, as the server builds it, so every search
 * parameter the server indexes is indexed here too. `total` is for the progress bar only.
 */
export async function loadResources(
  databaseUrl: string,
  resources: Iterable<Resource> | AsyncIterable<Resource>,
  total: number,
  postmasterPid: number | undefined,
): Promise<LoadReport> {
  const { repo } = await buildDependencies({ databaseUrl, dbPoolSize: 4, baseUrl: 'http://127.0.0.1/fhir' }, pino({ level: 'silent' }));
  const bar = new cliProgress.SingleBar(
    { format: 'loading |{bar}| {percentage}% | {value}/{total} resources | {speed}/s | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  const meter = cpuMeter(process.pid, postmasterPid);
  const start = performance.now();
  bar.start(total, 0, { speed: 0 });
  let written: number;
  try {
    written = await repo.bulkCreate(resources, {
      onProgress: (n) => bar.update(n, { speed: Math.round(n / ((performance.now() - start) / 1000)) }),
    });
  } finally {
    bar.stop();
    await repo.close();
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = meter();
  const { vacuumSeconds, databaseBytes, indexRows } = await vacuum(databaseUrl);
  return { resources: written, seconds, cpu, vacuumSeconds, databaseBytes, indexRows };
}

/**
 * VACUUM (ANALYZE) before measuring. bulkCreate already ANALYZEs, which planning needs; VACUUM
 * sets hint bits and the visibility map that autovacuum would otherwise set while the queries are
 * being timed, competing with them for the two cores. Measuring after it is measuring a settled
 * database, as a production one is between loads.
 */
async function vacuum(databaseUrl: string): Promise<Pick<LoadReport, 'vacuumSeconds' | 'databaseBytes' | 'indexRows'>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const start = performance.now();
    await client.query('VACUUM (ANALYZE)');
    const vacuumSeconds = (performance.now() - start) / 1000;
    const size = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    const counts = await client.query<{ table: string; rows: string }>(
      `SELECT relname AS table, n_live_tup AS rows FROM pg_stat_user_tables WHERE relname LIKE 'idx\\_%' ORDER BY relname`,
    );
    return {
      vacuumSeconds,
      databaseBytes: Number(size.rows[0].bytes),
      indexRows: Object.fromEntries(counts.rows.map((r) => [r.table, Number(r.rows)])),
    };
  } finally {
    await client.end();
  }
}
