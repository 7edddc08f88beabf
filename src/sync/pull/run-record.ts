import type { ResourceWriter } from '../../store/repository';
import { later, runsStream } from './watermark';

/** What a run took in. */
export interface RunCounts {
  /** Participants known at the EHR (a Patient with an identifier of its MRN system). */
  patients: number;
  /** Of them, those the trial takes no result of now (no active study): not asked for. */
  skipped: number;
  pages: number;
  /** Results in the pages. */
  received: number;
  /** Results stored (created, updated, or unchanged as sent again). */
  stored: number;
  /** Results refused, by reason (intake-refusal code or issue code). */
  refused: Record<string, number>;
  /** Participants whose pull failed while the run went on (the first MAX_FAILURES are listed in `failures`). */
  failed: number;
}

/** Failures listed in a run's record: an EHR refusing every participant would otherwise make it huge. */
export const MAX_FAILURES = 20;

export interface PatientFailure {
  patient: string;
  error: string;
}

/** A finished run, as the Endpoint's runs stream keeps it and $sync-status reports it. */
export interface RunRecord {
  run: string;
  started: string;
  ended: string;
  outcome: 'succeeded' | 'failed';
  /** Why the run stopped before its end (the EHR unavailable, the token refused, shutdown). */
  error?: string;
  /** Participants whose pull failed while the run went on (a 4xx for their search), the first MAX_FAILURES. */
  failures: PatientFailure[];
  counts: RunCounts;
  /** The newest lastUpdated ever taken in from the Endpoint (this run's or an earlier one's). */
  newest?: string;
}

export const emptyCounts = (): RunCounts => ({ patients: 0, skipped: 0, pages: 0, received: 0, stored: 0, refused: {}, failed: 0 });

/** The Endpoint's last finished run, if it ever ran. */
export async function lastRun(tx: ResourceWriter, endpointId: string): Promise<RunRecord | undefined> {
  return (await tx.journal.last(runsStream(endpointId)))?.content as RunRecord | undefined;
}

/** The newest lastUpdated taken in so far: the last run's, moved on by this one's. */
export function newestOf(previous: RunRecord | undefined, thisRun: string | undefined): string | undefined {
  return later(previous?.newest, thisRun);
}

/** Seconds from the newest result taken in to `now`: how far Stroma lags behind the EHR. */
export function lagSeconds(newest: string | undefined, now: number): number | undefined {
  return newest === undefined ? undefined : Math.max(0, Math.round((now - Date.parse(newest)) / 1000));
}
