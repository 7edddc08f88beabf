import path from 'node:path';
import type { PlainRoute } from '../auth/plain-http';
import type { AccessControl, Requester } from '../fhir/access';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { PatientCompartment } from '../fhir/patient-compartment';
import type { ExportStore } from '../store/export-store';
import type { ResourceReader } from '../store/repository';
import { ExportWorker } from './export-worker';
import { kickOffRoutes } from './kick-off';
import { bulkStatusRoutes } from './status-routes';

export interface BulkExportSettings {
  dir: string;
  retentionHours: number;
  pageSize: number;
  maxResourcesPerFile: number;
  leaseSeconds: number;
}

export interface BulkExportOptions {
  store: ExportStore;
  /** The store as the server reads it. */
  reader: ResourceReader;
  registries: FhirRegistries;
  accessFor(requester: Requester): AccessControl;
  baseUrl: string;
  settings: BulkExportSettings;
  /** Who this process is in the jobs table. */
  holder: string;
  onError(error: unknown, message: string): void;
}

export interface BulkExport {
  /** The status URL and the files (the kick-off routes are registered as operations). */
  routes: PlainRoute[];
  worker: ExportWorker;
  /** Where the jobs' files are. */
  dir: string;
  /** The jobs (tests look at them; the routes and the worker are how the server uses them). */
  store: ExportStore;
}

/** How often a client polling a running export is asked to come back, in seconds. */
const RETRY_AFTER_SECONDS = 2;
const WORKER_POLL_MS = 5_000;

/** Bulk Data $export (IG 2.0): registers the kick-off operations and builds the worker and status routes. */
export function registerBulkExport(options: BulkExportOptions): BulkExport {
  const { store, registries, settings } = options;
  const compartment = new PatientCompartment(registries.searchParameters);
  const dirOf = (jobId: string) => path.join(settings.dir, jobId);
  const worker = new ExportWorker(
    store,
    {
      reader: options.reader, store, registries, compartment, accessFor: options.accessFor, dirOf, baseUrl: options.baseUrl,
      pageSize: settings.pageSize, maxPerFile: settings.maxResourcesPerFile, saveEveryMs: Math.max(100, (settings.leaseSeconds * 1000) / 6),
      leaseMs: settings.leaseSeconds * 1000, retentionMs: settings.retentionHours * 3_600_000,
    },
    { holder: options.holder, pollMs: WORKER_POLL_MS, onError: options.onError },
  );
  for (const route of kickOffRoutes({ store, registries, compartment, queued: () => worker.wake() })) registries.operations.register(route);
  return { routes: bulkStatusRoutes({ store, dirOf, retryAfterSeconds: RETRY_AFTER_SECONDS }), worker, dir: settings.dir, store };
}
