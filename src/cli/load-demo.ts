import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { DemoDesignError } from '../trial/demo';
import { DataDirInUseError } from '../store/postgres/driver/data-dir-lock';
import { readTrialBundles } from '../trial/seed-trials';
import { withFhirSession } from './fhir-session';
import { DEFAULT_DEMO_SEED, loadDemo, type LoadDemoOptions } from './load-demo-run';

const USAGE = `Loads clearly fictional subject-level demo data (tagged HTEST) for the seed trials.

  npm run load:demo -- [--trial NCT...]... [--seed N] [--url BASE]

  --trial NCT   only this trial (repeatable; default: every trial in bundles/trials, TRIAL_BUNDLES_DIR)
  --seed N      the generator's seed (default ${DEFAULT_DEMO_SEED}); the same seed gives the same data
  --url BASE    post to the server at BASE (e.g. http://127.0.0.1:8080/fhir) instead of opening the
                store: needed while a server holds the embedded store's data directory. Sends
                Authorization: Bearer $STROMA_TOKEN when that variable is set.

Without --url it opens DATABASE_URL, or the embedded store in DATA_DIR (./data). The trials must be
loaded first. Loading again updates the demo data in place.`;

type Args = LoadDemoOptions & { url?: string };

function parseCommandLine(argv: string[]): Args | 'help' | undefined {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { trial: { type: 'string', multiple: true }, seed: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 'help';
    }
    const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('--seed takes an integer from 0 to 4294967295');
    const trials = (values.trial ?? []).map((t) => t.trim().toUpperCase());
    const bad = trials.find((t) => !/^NCT\d{8}$/.test(t));
    if (bad) throw new Error(`--trial takes an NCT number (NCT + 8 digits), not "${bad}"`);
    return { seed, trials, url: values.url };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return undefined;
  }
}

/** Exit codes: 0 loaded, 1 a trial failed, 2 bad usage or store unavailable. */
async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2));
  if (args === 'help') return 0;
  if (!args) return 2;
  const output = { out: (line: string) => process.stdout.write(`${line}\n`), err: (line: string) => process.stderr.write(`${line}\n`) };
  const trials = readTrialBundles(loadConfig().trialBundlesDir);
  return withFhirSession(args.url, (send) => loadDemo(send, trials, args, output));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`${error.message}.\nA server holds the embedded store: post to it instead, e.g. npm run load:demo -- --url http://127.0.0.1:8080/fhir\n`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof DemoDesignError) {
      process.stderr.write(`A trial bundle does not say enough for the demo: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`load:demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
