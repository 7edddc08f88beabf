import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import pino from 'pino';
import { buildDependencies } from '../app';
import { ConfigError, loadConfig } from '../config';
import { DataDirInUseError } from '../store/postgres/driver/data-dir-lock';
import { reindexRemotely } from './reindex-remote';
import { printSummary, type ReindexArgs, type ReindexSummary } from './reindex-summary';

const USAGE = `Rebuilds the search index rows of stored resources.

  npm run reindex -- [--type TYPE]... [--batch-size N] [--restart] [--url BASE]

  --type TYPE      only resources of this type (repeatable; default: every type)
  --batch-size N   resources per transaction (default 500)
  --restart        start over instead of resuming an interrupted run
  --url BASE       ask the server at BASE (e.g. http://127.0.0.1:8080/fhir) to reindex
                   instead of opening the database: needed while a server holds the
                   embedded store's data directory (with the bearer token of STROMA_TOKEN)

Without --url it opens DATABASE_URL, or the embedded store in DATA_DIR (./data).
Ctrl-C stops after the batch in progress; running the same command again resumes.`;

/** Exit codes: 0 done, 1 failed, 2 bad usage or store unavailable, 130 interrupted (resumable). */
async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2));
  if (args === 'help') return 0;
  if (!args) return 2;
  if (args.url) return reindexRemotely(args);
  return reindexLocally(args);
}

async function reindexLocally(args: ReindexArgs): Promise<number> {
  const config = loadConfig();
  // The bar is the output; the server's start-up warnings (parameters awaiting a reindex) would only repeat it.
  const deps = await buildDependencies(config, pino({ level: 'error' }));
  try {
    const unknown = args.types.filter((t) => !deps.registries.resourceTypes.has(t));
    if (unknown.length > 0) {
      process.stderr.write(`Unknown resource type(s): ${unknown.join(', ')}\n`);
      return 2;
    }
    const controller = new AbortController();
    process.once('SIGINT', () => {
      controller.abort();
      process.stderr.write('\nStopping after the batch in progress...\n');
    });
    const bar = new SingleBar({ format: 'reindex [{bar}] {percentage}% | {value}/{total} resources | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic);
    let started = false;
    const result = await deps.definitions.reindex(deps.repo, {
      resourceTypes: args.types,
      batchSize: args.batchSize,
      restart: args.restart,
      signal: controller.signal,
      onProgress: ({ done, total }) => {
        if (!started) bar.start(total, done);
        else bar.update(done);
        started = true;
      },
    });
    bar.stop();
    printSummary(result satisfies ReindexSummary);
    return result.finished ? 0 : 130;
  } finally {
    await deps.security.close();
    await deps.repo.close();
  }
}

/** The arguments, 'help' once the usage is printed, or undefined after a usage error. */
function parseCommandLine(argv: string[]): ReindexArgs | 'help' | undefined {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        type: { type: 'string', multiple: true },
        'batch-size': { type: 'string' },
        restart: { type: 'boolean' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 'help';
    }
    const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
      throw new Error('--batch-size takes an integer from 1 to 100000');
    }
    const types = (values.type ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t.length > 0);
    return { types, batchSize, restart: values.restart ?? false, url: values.url };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(
        `${error.message}.\nThe embedded store can be opened by one process only. Either stop the server, or let it ` +
          'reindex: npm run reindex -- --url http://127.0.0.1:8080/fhir (its BASE_URL).\n',
      );
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`reindex failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
