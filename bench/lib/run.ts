import type { Cleanup } from './cleanup';
import { machineLine } from './report';

/** A positive integer from the environment variable `name`, or `fallback` when it is unset. */
export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return value;
}

/**
 * Runs a bench's main, then its cleanup, and exits with main's code; on an error, logs it (unless
 * the run was aborted by Ctrl-C), cleans up and exits with 1 (130 when aborted). SIGINT and SIGTERM
 * abort the run, clean up and exit with 130 and 143.
 */
export function runBench(name: string, main: () => Promise<number>, cleanup: Cleanup, abort: AbortController, log: (line: string) => void): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the bench and cleaning up…`);
      abort.abort();
      void cleanup.runAll().finally(() => process.exit(code));
    });
  }
  main()
    .then(async (code) => {
      await cleanup.runAll();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      if (!abort.signal.aborted) {
        log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      await cleanup.runAll();
      process.exit(abort.signal.aborted ? 130 : 1);
    });
}

/** A progress line on stderr (stdout holds the report). */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Logs the bench's name, the time and the machine it runs on; returns the machine line for the report. */
export function logStart(name: string): string {
  log(`${name} — ${new Date().toISOString()}`);
  const machine = machineLine();
  log(machine);
  return machine;
}
