import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { BulkClient, BulkDataError, type ExportLevel, type ExportRequest, type Manifest, type ManifestFile } from './bulk-client';
import { lineProgress, terminalProgress, type ExportProgress } from './export-progress';

const USAGE = `Exports data with the server's FHIR Bulk Data API ($export) into a directory of NDJSON files.

  npm run export -- (--group ID | --patient | --system) --out DIR [options]

  --group ID          a Group's members and their data (a study's enrollment Group: the study)
  --patient           every Patient and their data
  --system            everything the client may read
  --out DIR           where the files go (created; must be empty): Type.n.ndjson, deleted/, error/,
                      and manifest.json, written last, once every file is complete
  --type T            only these resource types (repeatable or comma-separated)
  --since INSTANT     only what changed after it, e.g. 2026-01-01T00:00:00Z (deletions in deleted/)
  --type-filter Q     a search the resources of a type must match, e.g. "Observation?code=718-7" (repeatable)
  --elements E        only these elements (repeatable or comma-separated)
  --deidentify        de-identified, as a registry receives it
  --keep              leave the files on the server until they expire (default: DELETE them once downloaded)
  --url BASE          the server's FHIR base (default: BASE_URL, or http://HOST:PORT/fhir)

The bearer token comes from STROMA_TOKEN (TOKEN=$(npm run -s token)). Ctrl-C cancels the job on the
server. Exit codes: 0 exported, 1 failed or incomplete (the server reported errors, or a file holds
fewer resources than the manifest says), 2 bad usage, 130 cancelled.`;

export interface ExportArgs {
  request: ExportRequest;
  out: string;
  url: string;
  keep: boolean;
}

export interface ExportIo {
  out: (text: string) => void;
  err: (text: string) => void;
  progress: ExportProgress;
}

class UsageError extends Error {}

/** The command: parses `argv`, exports, and answers the exit code. `signal` is Ctrl-C. */
export async function runExportCli(argv: string[], io: ExportIo, env: Record<string, string | undefined>, signal: AbortSignal): Promise<number> {
  let args: ExportArgs | 'help';
  try {
    args = parseExportArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  return runExport(args, new BulkClient({ base: args.url, token: env.STROMA_TOKEN }), io, signal);
}

export function parseExportArgs(argv: string[], env: Record<string, string | undefined>): ExportArgs | 'help' {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        group: { type: 'string' }, patient: { type: 'boolean' }, system: { type: 'boolean' }, out: { type: 'string' },
        type: { type: 'string', multiple: true }, since: { type: 'string' }, 'type-filter': { type: 'string', multiple: true },
        elements: { type: 'string', multiple: true }, deidentify: { type: 'boolean' }, keep: { type: 'boolean' }, url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const levels: ExportLevel[] = [
    ...(values.group !== undefined ? [{ kind: 'group' as const, id: values.group }] : []),
    ...(values.patient ? [{ kind: 'patient' as const }] : []),
    ...(values.system ? [{ kind: 'system' as const }] : []),
  ];
  if (levels.length !== 1) throw new UsageError('Give exactly one of --group ID, --patient, --system');
  if (!values.out) throw new UsageError('--out DIR is required');
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new UsageError(`--since ${values.since}: expected an instant such as 2026-01-01T00:00:00Z`);
  const filters = values['type-filter'] ?? [];
  const badFilter = filters.find((f) => !/^[A-Za-z]+\?./.test(f));
  if (badFilter) throw new UsageError(`--type-filter ${badFilter}: expected Type?search, e.g. Observation?code=718-7`);
  const list = (items: string[] | undefined) => (items ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t.length > 0);
  return {
    request: { level: levels[0], types: list(values.type), since: values.since, typeFilters: filters, elements: list(values.elements), deidentify: values.deidentify ?? false },
    out: values.out,
    url: values.url ?? loadConfig(env).baseUrl,
    keep: values.keep ?? false,
  };
}

/**
 * Kick-off, poll, download every file, then write the manifest. On Ctrl-C (or any failure once the job
 * exists) the job is cancelled on the server, so it neither runs on nor keeps its files.
 */
export async function runExport(args: ExportArgs, client: BulkClient, io: ExportIo, signal: AbortSignal): Promise<number> {
  let statusUrl: string | undefined;
  try {
    await emptyDirectory(args.out);
    // Not aborted by Ctrl-C: once the server has a job, we must learn its URL to cancel it.
    statusUrl = await client.kickOff(args.request);
    io.err(`Export started: ${statusUrl}\n`);
    signal.throwIfAborted();
    const manifest = await client.waitForManifest(statusUrl, (p) => io.progress.job(p), signal);
    const short = await downloadAll(client, manifest, args.out, io, signal);
    // Last, so that a manifest.json on disk means every file it lists is complete.
    await writeFile(path.join(args.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    io.progress.stop();
    if (!args.keep) await client.cancel(statusUrl);
    return report(manifest, short, args.out, io);
  } catch (error) {
    io.progress.stop();
    if (signal.aborted) return cancel(client, statusUrl, io);
    if (error instanceof UsageError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    io.err(`${error instanceof BulkDataError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // A job whose files we could not take is of no use on the server (a failed or gone one answers 404: fine).
    if (statusUrl) await client.cancel(statusUrl).catch(() => undefined);
    return 1;
  }
}

async function cancel(client: BulkClient, statusUrl: string | undefined, io: ExportIo): Promise<number> {
  if (!statusUrl) {
    io.err('\nCancelled before the server started a job.\n');
    return 130;
  }
  try {
    await client.cancel(statusUrl);
    io.err('\nCancelled: the server stopped the job and removes its files. Files already downloaded stay, without manifest.json.\n');
  } catch (error) {
    io.err(`\nCancelled here, but the server did not confirm the cancel: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 130;
}

async function emptyDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0) throw new UsageError(`--out ${dir} is not empty: choose a new directory, so that exports never mix`);
}

interface Shortfall {
  file: string;
  expected: number;
  received: number;
}

/**
 * Every output, deleted and error file, one after the other (constant memory: one stream at a time):
 * outputs into `out`, deletions into `out/deleted`, errors into `out/error`. Returns the files holding
 * fewer or more resources than the manifest's count.
 */
async function downloadAll(client: BulkClient, manifest: Manifest, out: string, io: ExportIo, signal: AbortSignal): Promise<Shortfall[]> {
  const files: [ManifestFile, string][] = [
    ...manifest.output.map((f): [ManifestFile, string] => [f, out]),
    ...(manifest.deleted ?? []).map((f): [ManifestFile, string] => [f, path.join(out, 'deleted')]),
    ...manifest.error.map((f): [ManifestFile, string] => [f, path.join(out, 'error')]),
  ];
  const counted = manifest.output.every((f) => f.count !== undefined);
  io.progress.downloading(files.length, counted ? manifest.output.reduce((sum, f) => sum + (f.count ?? 0), 0) : undefined);
  const shortfalls: Shortfall[] = [];
  for (const [file, dir] of files) {
    await mkdir(dir, { recursive: true });
    const destination = path.join(dir, fileName(file.url));
    const onData = (bytes: number, resources: number) => io.progress.data(bytes, resources);
    const { lines } = await client.download(file.url, destination, { withToken: manifest.requiresAccessToken, onData, signal });
    io.progress.fileDone(path.relative(out, destination), lines);
    if (file.count !== undefined && file.count !== lines) shortfalls.push({ file: destination, expected: file.count, received: lines });
  }
  return shortfalls;
}

/** The file's own name on the server (`Observation.1.ndjson`); never a path out of the directory. */
function fileName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new BulkDataError(`The manifest names a file the client will not write: ${url}`);
  return name;
}

function report(manifest: Manifest, shortfalls: Shortfall[], out: string, io: ExportIo): number {
  const byType = new Map<string, { files: number; resources: number }>();
  for (const file of manifest.output) {
    const entry = byType.get(file.type) ?? { files: 0, resources: 0 };
    byType.set(file.type, { files: entry.files + 1, resources: entry.resources + (file.count ?? 0) });
  }
  io.out(`Exported as of ${manifest.transactionTime} into ${out}:\n`);
  for (const [type, { files, resources }] of byType) io.out(`  ${type}: ${resources} resources in ${files} file(s)\n`);
  const deleted = manifest.deleted ?? [];
  if (deleted.length > 0) io.out(`  deleted: ${deleted.reduce((sum, f) => sum + (f.count ?? 0), 0)} in ${deleted.length} file(s)\n`);
  for (const s of shortfalls) io.err(`${s.file}: ${s.received} resources received, the manifest says ${s.expected}\n`);
  if (manifest.error.length > 0) io.err(`The server reported errors for some resources: see ${path.join(out, 'error')}/\n`);
  return shortfalls.length > 0 || manifest.error.length > 0 ? 1 : 0;
}

if (require.main === module) {
  const abort = new AbortController();
  // Once: a second Ctrl-C ends the process at once, the cancel not awaited.
  process.once('SIGINT', () => abort.abort());
  const progress = process.stderr.isTTY ? terminalProgress(process.stderr) : lineProgress((t) => process.stderr.write(t));
  const io: ExportIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), progress };
  runExportCli(process.argv.slice(2), io, process.env, abort.signal).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`export failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
