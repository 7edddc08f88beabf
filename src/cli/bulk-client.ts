import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A FHIR Bulk Data Access 2.0 client (https://hl7.org/fhir/uv/bulkdata/export.html) of the server's
 * $export: kick-off, status polling, file download, cancel. Used by `npm run export` and by
 * `npm run bench:export`, so the bench measures what a registry's client sees.
 */

export type ExportLevel = { kind: 'system' } | { kind: 'patient' } | { kind: 'group'; id: string };

export interface ExportRequest {
  level: ExportLevel;
  types?: string[];
  /** An instant: only resources changed after it (and deletions, in `deleted`). */
  since?: string;
  /** `Type?search`, one per filter. */
  typeFilters?: string[];
  elements?: string[];
  deidentify?: boolean;
}

export interface ManifestFile {
  type: string;
  url: string;
  count?: number;
}

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: ManifestFile[];
  deleted?: ManifestFile[];
  error: ManifestFile[];
}

/** The job's state while it runs: X-Progress as sent, and the percentage in it when there is one. */
export interface JobProgress {
  text: string;
  percent?: number;
}

/** A refusal or failure the server answered (with its OperationOutcome's diagnostics), or a broken answer. */
export class BulkDataError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface BulkClientOptions {
  /** The FHIR base, e.g. http://127.0.0.1:8080/fhir. */
  base: string;
  /** Bearer token for every request (kick-off, status, files, cancel). */
  token?: string;
  /** Wait while the server gave no Retry-After (ms). */
  defaultRetryMs?: number;
  /** Longest wait honoured between polls (ms): a Retry-After asking for more is cut to it. */
  maxRetryMs?: number;
}

export interface DownloadResult {
  bytes: number;
  /** NDJSON lines, i.e. resources. */
  lines: number;
}

export class BulkClient {
  private readonly base: string;

  constructor(private readonly options: BulkClientOptions) {
    this.base = options.base.replace(/\/+$/, '');
  }

  /** The kick-off URL (GET) of a request: the level's `$export` and its parameters. */
  kickOffUrl(request: ExportRequest): string {
    const path = request.level.kind === 'system' ? '$export' : request.level.kind === 'patient' ? 'Patient/$export' : `Group/${encodeURIComponent(request.level.id)}/$export`;
    const query = new URLSearchParams({ _outputFormat: 'application/fhir+ndjson' });
    if (request.types?.length) query.set('_type', request.types.join(','));
    if (request.since) query.set('_since', request.since);
    for (const filter of request.typeFilters ?? []) query.append('_typeFilter', filter);
    if (request.elements?.length) query.set('_elements', request.elements.join(','));
    if (request.deidentify) query.set('_deidentify', 'true');
    return `${this.base}/${path}?${query.toString()}`;
  }

  /** Starts the job; returns its status URL (Content-Location of the 202). */
  async kickOff(request: ExportRequest): Promise<string> {
    const url = this.kickOffUrl(request);
    const response = await this.send(url, { headers: { accept: 'application/fhir+json', prefer: 'respond-async' } });
    if (response.status !== 202) throw await refusal('The export was refused', response);
    await response.arrayBuffer();
    const location = response.headers.get('content-location');
    if (!location) throw new BulkDataError('The server accepted the export but sent no Content-Location to poll', response.status);
    return new URL(location, url).toString();
  }

  /**
   * Polls the status URL until the manifest comes, waiting as Retry-After says between polls (also on
   * 429, the IG's "too many polls"). An error status is the job's failure; 404 means it is gone.
   */
  async waitForManifest(statusUrl: string, onProgress: (progress: JobProgress) => void = () => {}, signal?: AbortSignal): Promise<Manifest> {
    for (;;) {
      const response = await this.send(statusUrl, { headers: { accept: 'application/json' }, signal });
      if (response.status === 200) return parseManifest(await response.text());
      if (response.status !== 202 && response.status !== 429) {
        throw await refusal(statusProblem(response.status), response);
      }
      await response.arrayBuffer();
      const text = response.headers.get('x-progress') ?? '';
      if (text) onProgress({ text, percent: percentIn(text) });
      await delay(this.waitMs(response.headers.get('retry-after')), undefined, { signal });
    }
  }

  /**
   * Streams one file to `destination` in constant memory: through a `.part` file, renamed once complete,
   * so an interrupted download never looks like a whole file. `onData` hears every chunk's bytes and lines.
   * The bearer token goes along only when the manifest says `requiresAccessToken` (files elsewhere, such
   * as signed URLs, must not receive it).
   */
  async download(
    fileUrl: string, destination: string, options: { withToken?: boolean; onData?: (bytes: number, lines: number) => void; signal?: AbortSignal } = {},
  ): Promise<DownloadResult> {
    const { withToken = true, onData = () => {}, signal } = options;
    const response = await this.send(fileUrl, { headers: { accept: 'application/fhir+ndjson' }, signal, withToken });
    if (response.status !== 200 || !response.body) throw await refusal(`Could not download ${fileUrl}`, response);
    const counter = new NdjsonCounter(onData);
    const partial = `${destination}.part`;
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(partial), { signal });
      await rename(partial, destination);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { bytes: counter.bytes, lines: counter.lines };
  }

  /** DELETE on the status URL: cancels a running job, or tells the server a finished one's files may go. */
  async cancel(statusUrl: string): Promise<void> {
    const response = await this.send(statusUrl, { method: 'DELETE', headers: { accept: 'application/fhir+json' } });
    if (response.status >= 300 && response.status !== 404) throw await refusal('The server did not cancel the export', response);
    await response.arrayBuffer();
  }

  private waitMs(retryAfter: string | null): number {
    const max = this.options.maxRetryMs ?? 60_000;
    const fallback = this.options.defaultRetryMs ?? 1000;
    if (retryAfter === null || retryAfter.trim() === '') return Math.min(fallback, max);
    const seconds = Number(retryAfter);
    // Retry-After is delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    return Number.isNaN(ms) ? Math.min(fallback, max) : Math.min(Math.max(ms, 0), max);
  }

  private async send(url: string, init: { method?: string; headers: Record<string, string>; signal?: AbortSignal; withToken?: boolean }): Promise<Response> {
    const token = init.withToken === false ? undefined : this.options.token;
    const headers = { ...init.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    try {
      return await fetch(url, { method: init.method ?? 'GET', headers, signal: init.signal });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new BulkDataError(`Cannot reach ${url}${cause}`);
    }
  }
}

/** Counts bytes and newline-terminated lines as they pass, without holding more than one chunk. */
class NdjsonCounter extends Transform {
  bytes = 0;
  lines = 0;
  private lastByte = 0x0a;

  constructor(private readonly onData: (bytes: number, lines: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let lines = 0;
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1];
    this.bytes += chunk.length;
    this.lines += lines;
    this.onData(chunk.length, lines);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A last line without its newline is a resource too.
    if (this.lastByte !== 0x0a) {
      this.lines++;
      this.onData(0, 1);
    }
    callback();
  }
}

/** What a status answer other than 200, 202 and 429 means. */
function statusProblem(status: number): string {
  if (status === 404) return 'The export job is gone (cancelled, expired or unknown)';
  if (status === 401 || status === 403) return 'The server refused the status request (has the token expired?)';
  return 'The export failed';
}

/** "42%", "42.5 %", "Observation: 12% done" all give a percentage; other texts none. */
export function percentIn(text: string): number | undefined {
  const match = /(\d+(?:\.\d+)?)\s*%/.exec(text);
  return match ? Math.min(100, Number(match[1])) : undefined;
}

function parseManifest(text: string): Manifest {
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new BulkDataError('The status URL answered 200 without a JSON manifest');
  }
  if (typeof manifest.transactionTime !== 'string' || !Array.isArray(manifest.output)) {
    throw new BulkDataError('The manifest lacks transactionTime or output');
  }
  return { ...manifest, error: manifest.error ?? [] } as Manifest;
}

/** An error naming the status and what the server's OperationOutcome says. */
async function refusal(what: string, response: Response): Promise<BulkDataError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const diagnostics = outcomeText(body);
  return new BulkDataError(`${what} (HTTP ${response.status})${diagnostics ? `:\n${diagnostics}` : ''}`, response.status);
}

/**
 * What an OperationOutcome says, one issue per line. (fhir-session.ts has the same for the CLIs that open
 * the store; importing it would load the whole server into a client that only speaks HTTP.)
 */
function outcomeText(body: unknown): string {
  const outcome = body as { resourceType?: string; issue?: { diagnostics?: string; expression?: string[] }[] } | undefined;
  if (outcome?.resourceType !== 'OperationOutcome') return '';
  return (outcome.issue ?? []).map((i) => `  ${i.expression?.length ? `${i.expression.join(', ')}: ` : ''}${i.diagnostics ?? ''}`).join('\n');
}
