import type { ExportJob } from '../store/export-store';
import type { ExportRequest } from './export-request';
import type { OutputFile } from './ndjson-output';

export interface ManifestFile {
  type: string;
  url: string;
  count?: number;
}

/** The complete-status body of the Bulk Data IG 2.0: what the status URL answers once the job is done. */
export function exportManifest(job: ExportJob, request: ExportRequest, files: readonly OutputFile[], baseUrl: string): Record<string, unknown> {
  const listed = (kind: OutputFile['kind']): ManifestFile[] =>
    files.filter((f) => f.kind === kind && f.count > 0).map((f) => ({ type: f.type, url: fileUrl(baseUrl, job.id, f.name), count: f.count }));
  return {
    transactionTime: job.transactionTime,
    request: request.requestUrl,
    requiresAccessToken: true,
    output: listed('output'),
    deleted: listed('deleted'),
    error: listed('error'),
  };
}

export function fileUrl(baseUrl: string, jobId: string, name: string): string {
  return `${baseUrl}/bulkfiles/${jobId}/${name}`;
}

export function statusUrl(baseUrl: string, jobId: string): string {
  return `${baseUrl}/bulkstatus/${jobId}`;
}
