import type { ResourceWriter } from '../../store/repository';

/**
 * How far a pull has taken an EHR's results in, per (Endpoint, participant): the newest `meta.lastUpdated`
 * (the EHR's own clock, so no skew between the two servers matters) below which every result was
 * committed here. The next search asks for `_lastUpdated=gt<mark>`. The mark is the latest entry of a
 * journal stream of its own, appended in the transaction that stores the page, so it moves only with
 * the commit of the results it covers: a crash before commit leaves it where it was, and the re-pull
 * upserts what had been taken, without duplicates.
 */

/** Completed run records of an Endpoint. */
export const runsStream = (endpointId: string): string => `sync/${endpointId}`;
/** Who runs the Endpoint's sync now (run-lease.ts). */
export const leaseStream = (endpointId: string): string => `sync/${endpointId}/lease`;
/** The mark of one participant (a Patient id: no hospital identifier in a stream name). */
export const markStream = (endpointId: string, patientId: string): string => `sync/${endpointId}/patient/${patientId}`;

export async function readMark(tx: ResourceWriter, endpointId: string, patientId: string): Promise<string | undefined> {
  const last = await tx.journal.last(markStream(endpointId, patientId));
  return typeof last?.content.lastUpdated === 'string' ? last.content.lastUpdated : undefined;
}

/** The later of two instants (either may be absent). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

export interface PageMark {
  /** Where the mark may move once the page is committed (undefined: it stays). */
  mark?: string;
  /** The newest lastUpdated of the page. */
  newest?: string;
  /** False once a page came back out of lastUpdated order: the run then moves no mark at all. */
  sorted: boolean;
}

/**
 * What a page, asked for in ascending `_lastUpdated` order, lets the mark become. The last page: its
 * newest lastUpdated. A page with a next one: the newest lastUpdated *below* its last result's, since
 * results sharing that instant may go on in the next page, and `gt` would skip them should the run stop
 * in between. A server that ignored `_sort` (results out of order) proves nothing about what is still
 * to come, so the mark holds and the next run asks again from it: taken twice, never lost.
 */
export function pageMark(lastUpdated: readonly (string | undefined)[], hasNext: boolean, seen: string | undefined): PageMark {
  const times = lastUpdated.map((t) => (t === undefined ? Number.NaN : Date.parse(t)));
  const floor = seen === undefined ? -Infinity : Date.parse(seen);
  const sorted = times.every((t, i) => !Number.isNaN(t) && t >= floor && (i === 0 || t >= times[i - 1]));
  if (!sorted || times.length === 0) return { sorted };
  const newest = lastUpdated[lastUpdated.length - 1];
  if (!hasNext) return { mark: newest, newest, sorted };
  const top = times[times.length - 1];
  let below = times.length - 1;
  while (below >= 0 && times[below] >= top) below--;
  return { mark: below >= 0 ? lastUpdated[below] : undefined, newest, sorted };
}
