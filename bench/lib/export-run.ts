import fs from 'node:fs';
import path from 'node:path';
import { BulkClient, type ExportRequest, type Manifest } from '../../src/cli/bulk-client';

/**
 * One export as a registry's client runs it, with the client of `npm run export` (src/cli/bulk-client.ts):
 * kick-off, polls, then every file downloaded to disk, one after the other, streamed.
 */

export interface ExportRun {
  label: string;
  /** Resources in the output files (lines), per type. */
  byType: Record<string, number>;
  resources: number;
  bytes: number;
  files: number;
  /** Kick-off to manifest. */
  jobSeconds: number;
  /** Kick-off to the last byte of the last file. */
  seconds: number;
  /** Files whose line count differs from the manifest's count, or whose first line is not a resource of the file's type. */
  problems: string[];
}

export async function timeExport(label: string, client: BulkClient, request: ExportRequest, dir: string, onProgress: (text: string) => void): Promise<ExportRun> {
  fs.mkdirSync(dir, { recursive: true });
  const start = performance.now();
  const statusUrl = await client.kickOff(request);
  let last = '';
  const manifest = await client.waitForManifest(statusUrl, ({ text }) => {
    if (text !== last) onProgress(`  ${label}: ${text}`);
    last = text;
  });
  const jobSeconds = (performance.now() - start) / 1000;
  const run: ExportRun = { label, byType: {}, resources: 0, bytes: 0, files: 0, jobSeconds, seconds: 0, problems: [] };
  for (const [i, file] of manifest.output.entries()) {
    const destination = path.join(dir, `${i}.ndjson`);
    const { bytes, lines } = await client.download(file.url, destination, { withToken: manifest.requiresAccessToken });
    run.byType[file.type] = (run.byType[file.type] ?? 0) + lines;
    run.resources += lines;
    run.bytes += bytes;
    run.files++;
    if (file.count !== undefined && file.count !== lines) run.problems.push(`${file.url}: ${lines} lines, the manifest says ${file.count}`);
    const first = firstLine(destination);
    if (first !== undefined && (JSON.parse(first) as { resourceType?: string }).resourceType !== file.type) run.problems.push(`${file.url}: its first line is not a ${file.type}`);
    // The files are the client's business once counted: the bench keeps the disk for the next run.
    fs.rmSync(destination);
  }
  run.seconds = (performance.now() - start) / 1000;
  run.problems.push(...errorFiles(manifest));
  await client.cancel(statusUrl);
  return run;
}

function firstLine(file: string): string | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, read).toString('utf8');
    const end = text.indexOf('\n');
    return read === 0 ? undefined : end < 0 ? text : text.slice(0, end);
  } finally {
    fs.closeSync(fd);
  }
}

function errorFiles(manifest: Manifest): string[] {
  return manifest.error.map((f) => `the server reported errors: ${f.url}${f.count === undefined ? '' : ` (${f.count})`}`);
}

/** Stored vs exported, per type: the types where they differ. */
export function lost(expected: Record<string, number>, exported: Record<string, number>): string[] {
  return Object.entries(expected)
    .filter(([type, n]) => (exported[type] ?? 0) !== n)
    .map(([type, n]) => `${type}: ${n} stored, ${exported[type] ?? 0} exported`);
}
