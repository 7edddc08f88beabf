import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small Bulk Data server (node:http) as the contract describes Stroma's: kick-off answers 202 with a
 * Content-Location, the status URL answers 202 with X-Progress and Retry-After `pollsBeforeDone` times,
 * then the manifest (or the job's failure), files are served as NDJSON, DELETE cancels.
 */
export interface FakeBulkOptions {
  token?: string;
  pollsBeforeDone?: number;
  /** Sent with each 202; undefined sends none. */
  retryAfter?: string;
  /** Answer the polls with 429 (too many) instead of 202. */
  throttle?: boolean;
  /** Status and diagnostics of a failed job, answered instead of the manifest. */
  fail?: { status: number; diagnostics: string };
  /** Files by name: their lines (resources). */
  files?: Record<string, string[]>;
  /** The count the manifest states per file, when it should differ from the lines served. */
  statedCounts?: Record<string, number>;
  /** Files answered with this status and an OperationOutcome instead of their content. */
  refuseFiles?: number;
  deleted?: Record<string, string[]>;
  errors?: Record<string, string[]>;
}

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
  prefer?: string;
  at: number;
}

export interface FakeBulkServer {
  base: string;
  seen: SeenRequest[];
  cancelled: () => boolean;
  close: () => Promise<void>;
}

const header = (req: IncomingMessage, name: string): string | undefined => [req.headers[name] ?? []].flat()[0];
const outcome = (diagnostics: string) => JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics }] });

export async function startFakeBulkServer(options: FakeBulkOptions = {}): Promise<FakeBulkServer> {
  const seen: SeenRequest[] = [];
  let polls = 0;
  let cancelled = false;
  let base = '';
  const files = options.files ?? { 'Patient.1.ndjson': ['{"resourceType":"Patient","id":"p1"}'] };
  const all: Record<string, string[]> = { ...files, ...(options.deleted ?? {}), ...(options.errors ?? {}) };
  const entry = (type: string) => ([name, lines]: [string, string[]]) => ({ type: type || name.split('.')[0], url: `${base}/bulkfiles/job-1/${name}`, count: options.statedCounts?.[name] ?? lines.length });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    seen.push({ method: req.method ?? '', url: url.pathname + url.search, authorization: req.headers.authorization, prefer: header(req, 'prefer'), at: Date.now() });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
      res.end(body);
    };
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return send(401, outcome('no valid bearer token'));
    if (url.pathname.endsWith('/$export')) {
      if (req.headers.prefer !== 'respond-async') return send(400, outcome('Prefer: respond-async is required'));
      // Relative on purpose: the client must resolve it against the kick-off URL.
      return send(202, outcome('accepted'), { 'content-location': '/fhir/bulkstatus/job-1' });
    }
    if (url.pathname === '/fhir/bulkstatus/job-1') {
      if (req.method === 'DELETE') {
        cancelled = true;
        return send(202, outcome('cancelled'));
      }
      if (cancelled) return send(404, outcome('no such job'));
      if (polls++ < (options.pollsBeforeDone ?? 0)) {
        const headers: Record<string, string> = { 'x-progress': `${Math.round((polls * 100) / ((options.pollsBeforeDone ?? 0) + 1))}% of the resources` };
        if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
        return send(options.throttle ? 429 : 202, '', headers);
      }
      if (options.fail) return send(options.fail.status, outcome(options.fail.diagnostics));
      const manifest = {
        transactionTime: '2026-12-03T12:00:00Z',
        request: `${base}/$export`,
        requiresAccessToken: true,
        output: Object.entries(files).map(entry('')),
        deleted: Object.entries(options.deleted ?? {}).map(entry('Bundle')),
        error: Object.entries(options.errors ?? {}).map(entry('OperationOutcome')),
      };
      return send(200, JSON.stringify(manifest), { 'content-type': 'application/json', expires: new Date(Date.now() + 3600_000).toUTCString() });
    }
    const file = /^\/fhir\/bulkfiles\/job-1\/(.+)$/.exec(url.pathname)?.[1];
    if (file && all[file] && !cancelled) {
      if (options.refuseFiles) return send(options.refuseFiles, outcome('not yours'));
      res.writeHead(200, { 'content-type': 'application/fhir+ndjson' });
      // Line by line, as a streaming server writes them.
      for (const line of all[file]) res.write(`${line}\n`);
      return res.end();
    }
    send(404, outcome(`unknown ${url.pathname}`));
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  return {
    base,
    seen,
    cancelled: () => cancelled,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; close would wait for them.
        server.closeAllConnections();
      }),
  };
}
