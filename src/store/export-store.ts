import type { Resource } from '@medplum/fhirtypes';

/**
 * The store port of Bulk Data export (src/bulk): export jobs, which several server processes share
 * (claimed with FOR UPDATE SKIP LOCKED, so a job runs in one process at a time and a job whose process
 * died is taken over once its lease runs out), and the deletions an export since a date reports.
 * Job requests, progress and manifests are JSON the bulk layer defines; the store keeps them as given.
 */

export type ExportJobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ExportJob {
  id: string;
  /** The client that asked for it: the only one that may poll it, cancel it and download its files. */
  owner: string;
  state: ExportJobState;
  request: Record<string, unknown>;
  /** The instant the export is a snapshot of (ISO). */
  transactionTime: string;
  progress: Record<string, unknown>;
  /** Set once done: what the status URL answers. */
  manifest?: Record<string, unknown>;
  /** Set once failed: an OperationOutcome. */
  error?: Record<string, unknown>;
  created: string;
  /** When the job and its files are removed (set once it ends). */
  expiresAt?: string;
}

export interface NewExportJob {
  id: string;
  owner: string;
  request: Record<string, unknown>;
}

/** A resource deleted within an export's window, with the last version it had before its deletion. */
export interface Deletion {
  resourceType: string;
  id: string;
  /** When it was deleted (ISO). */
  deleted: string;
  /** The content it had before the deletion (for access checks and masks). */
  before?: Resource;
}

export interface DeletionPage {
  deletions: Deletion[];
  /** Where the next page starts; undefined when this was the last page. */
  next?: string;
}

export interface ExportStore {
  /**
   * Records a queued job as of `transactionTime`, an instant of the clock the store stamps writes with
   * (this process's). The store stamps a write before it commits: a job is not claimed before every
   * transaction that was running when it was recorded has ended, so every write stamped at or before
   * its transactionTime is visible to it.
   */
  create(job: NewExportJob, transactionTime: string): Promise<ExportJob>;
  get(id: string): Promise<ExportJob | undefined>;
  /** The oldest job waiting, or running under an expired lease, now held by `holder` for `leaseMs`. */
  claim(holder: string, leaseMs: number): Promise<ExportJob | undefined>;
  /** Records progress and renews the lease; false when the job is no longer this holder's (cancelled, taken over). */
  saveProgress(id: string, holder: string, progress: Record<string, unknown>, leaseMs: number): Promise<boolean>;
  /** Gives a running job back to the queue with its progress, for any process to resume at once (a server stopping). */
  release(id: string, holder: string): Promise<void>;
  /** Ends a running job with its manifest; false when it was no longer this holder's. */
  finish(id: string, holder: string, manifest: Record<string, unknown>, expiresAt: string): Promise<boolean>;
  /** Ends a running job as failed; false when it was no longer this holder's. */
  fail(id: string, holder: string, error: Record<string, unknown>, expiresAt: string): Promise<boolean>;
  /** Marks a job cancelled (a running one stops at its next saveProgress); false when there is none. */
  cancel(id: string): Promise<boolean>;
  /** Jobs cancelled, or ended and past their expiry: their files are to be removed, then the job. */
  disposable(now: string, limit: number): Promise<ExportJob[]>;
  remove(id: string): Promise<void>;
  /**
   * Resources of `resourceType` whose current version as of `asOf` is a deletion made after `since`,
   * a page at a time from `after` (a value from a previous page).
   */
  deletions(resourceType: string, since: string, asOf: string, limit: number, after?: string): Promise<DeletionPage>;
}
