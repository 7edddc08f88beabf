import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildDependencies, pullServices, type AppDependencies } from '../app';
import { ConfigError, loadConfig, type Config } from '../config';
import { DataDirInUseError } from '../store/postgres/driver/data-dir-lock';
import { syncPass, type EndpointPass } from '../sync/pull/pull-sync';
import type { RunRecord } from '../sync/pull/run-record';
import type { PullServices } from '../sync/pull/sync-endpoint';

const USAGE = `Pulls results from the FHIR APIs of the EHRs that active Endpoints describe (one pass).

  npm run sync -- [--endpoint ID]

  --endpoint ID   only Endpoint/ID

Opens DATABASE_URL, or the embedded store in DATA_DIR (./data), which a running server holds:
with the embedded store, let the server pull (SYNC_INTERVAL_SECONDS) instead. Private keys are
read from SYNC_KEYS_DIR. Exit codes: 0 every run succeeded (or another process was running it),
1 a run failed, 2 bad usage or store unavailable.`;

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The command over pull services already built: parses `argv`, runs a pass, prints each run's counts. */
export async function syncCommand(argv: string[], services: PullServices, output: Output): Promise<number> {
  let values: { endpoint?: string; help?: boolean };
  try {
    values = parseArgs({ args: argv, options: { endpoint: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    output.out(`${USAGE}\n`);
    return 0;
  }
  let passes: EndpointPass[];
  try {
    passes = await syncPass(services, { endpointId: values.endpoint });
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (passes.length === 0) output.out('No active Endpoint to pull from.\n');
  for (const pass of passes) report(pass, output);
  return passes.some((p) => p.result !== 'busy' && p.result.outcome === 'failed') ? 1 : 0;
}

function report({ endpoint, result }: EndpointPass, output: Output): void {
  if (result === 'busy') {
    output.out(`Endpoint/${endpoint}: another run holds it now; not run\n`);
    return;
  }
  output.out(`Endpoint/${endpoint}: ${result.outcome} in ${seconds(result)} s: ${countsText(result)}\n`);
  if (result.error) output.err(`Endpoint/${endpoint}: ${result.error}\n`);
  for (const failure of result.failures) output.err(`Endpoint/${endpoint}: ${failure.patient}: ${failure.error}\n`);
}

function countsText({ counts }: RunRecord): string {
  const refused = Object.entries(counts.refused).map(([reason, n]) => `${reason} ${n}`);
  const refusedTotal = Object.values(counts.refused).reduce((a, b) => a + b, 0);
  return (
    `${counts.patients} participants (${counts.skipped} in no active study, ${counts.failed} failed), ${counts.pages} pages, ` +
    `${counts.received} results received, ${counts.stored} stored, ${refusedTotal} refused${refused.length > 0 ? ` (${refused.join(', ')})` : ''}`
  );
}

function seconds(record: RunRecord): string {
  return ((Date.parse(record.ended) - Date.parse(record.started)) / 1000).toFixed(1);
}

async function main(): Promise<number> {
  const output: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) output.err(`${error.message}\n`);
    else throw error;
    return 2;
  }
  let deps: Omit<AppDependencies, 'config'>;
  try {
    deps = await buildDependencies(config, pino({ level: 'error' }));
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    output.err(`${error.message}.\nThe embedded store can be opened by one process only: stop the server, or let it pull (SYNC_INTERVAL_SECONDS).\n`);
    return 2;
  }
  try {
    return await syncCommand(process.argv.slice(2), pullServices({ ...deps, config }, config.sync), output);
  } finally {
    await deps.security.close();
    await deps.repo.close();
    await deps.uploads.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
