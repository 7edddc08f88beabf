import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PlainRequest, PlainResponse, PlainRoute } from '../auth/plain-http';
import { errors } from '../fhir/outcomes';
import type { ExportJob, ExportStore } from '../store/export-store';
import type { ExportProgress } from './export-runner';
import type { ExportRequest } from './export-request';
import type { ManifestFile } from './manifest';

export interface StatusRouteDeps {
  store: ExportStore;
  dirOf(jobId: string): string;
  /** Seconds a client is asked to wait between polls. */
  retryAfterSeconds: number;
}

const JOB_ID = '([0-9a-f-]{36})';

/**
 * The status URL (poll and cancel) and the files of export jobs (Bulk Data IG 2.0). Only the client
 * that started a job may see it: to any other, it does not exist (404, as for an unknown job).
 */
export function bulkStatusRoutes(deps: StatusRouteDeps): PlainRoute[] {
  const statusPath = new RegExp(`^/fhir/bulkstatus/${JOB_ID}$`);
  return [
    { method: 'GET', path: statusPath, access: 'authenticated', activity: 'bulk-status', handle: (request, [id]) => poll(request, id, deps) },
    { method: 'DELETE', path: statusPath, access: 'authenticated', activity: 'bulk-cancel', handle: (request, [id]) => cancel(request, id, deps) },
    {
      method: 'GET', path: new RegExp(`^/fhir/bulkfiles/${JOB_ID}/([A-Za-z]+(?:\\.[a-z]+)?\\.[0-9]+\\.ndjson)$`), access: 'authenticated',
      activity: 'bulk-download', handle: (request, [id, name]) => download(request, id, name, deps),
    },
  ];
}

async function ownJob(request: PlainRequest, id: string, deps: StatusRouteDeps): Promise<ExportJob> {
  const job = await deps.store.get(id);
  const expired = job?.expiresAt !== undefined && Date.parse(job.expiresAt) <= Date.now();
  if (!job || job.owner !== request.requester?.clientId || job.state === 'cancelled' || expired) throw errors.notFound(`Export job ${id}`);
  return job;
}

async function poll(request: PlainRequest, id: string, deps: StatusRouteDeps): Promise<PlainResponse> {
  const job = await ownJob(request, id, deps);
  if (job.state === 'done') {
    return { status: 200, headers: { Expires: new Date(job.expiresAt as string).toUTCString() }, body: job.manifest };
  }
  if (job.state === 'failed') {
    return { status: 500, headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(job.error) };
  }
  return { status: 202, headers: { 'X-Progress': progressText(job), 'Retry-After': String(deps.retryAfterSeconds) } };
}

function progressText(job: ExportJob): string {
  if (job.state === 'queued' && (job.progress as Partial<ExportProgress>).typeIndex === undefined) return 'queued';
  const progress = job.progress as Partial<ExportProgress>;
  const types = (job.request as unknown as ExportRequest).types;
  const at = Math.min((progress.typeIndex ?? 0) + 1, types.length);
  return `${progress.written ?? 0} resources written; type ${at} of ${types.length} (${types[at - 1] ?? ''})`;
}

async function cancel(request: PlainRequest, id: string, deps: StatusRouteDeps): Promise<PlainResponse> {
  await ownJob(request, id, deps);
  await deps.store.cancel(id);
  // A worker still writing stops at its next progress save and removes what it wrote since.
  await rm(deps.dirOf(id), { recursive: true, force: true });
  return { status: 202, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `Export job ${id} cancelled; its files are removed` }] } };
}

async function download(request: PlainRequest, id: string, name: string, deps: StatusRouteDeps): Promise<PlainResponse> {
  const job = await ownJob(request, id, deps);
  const manifest = (job.manifest ?? {}) as Record<string, ManifestFile[] | undefined>;
  const listed = ['output', 'deleted', 'error'].some((kind) => manifest[kind]?.some((f) => f.url.endsWith(`/${id}/${name}`)));
  if (job.state !== 'done' || !listed) throw errors.notFound(`File ${name} of export job ${id}`);
  const file = path.join(deps.dirOf(id), name);
  const size = (await stat(file)).size;
  return { status: 200, headers: { 'Content-Type': 'application/fhir+ndjson', 'Content-Length': String(size) }, body: createReadStream(file) };
}
