import type { Bundle } from '@medplum/fhirtypes';
import { pushBundle, pushedResult, resultFacts } from './ingest-data';

export interface IngestRun {
  label: string;
  results: number;
  seconds: number;
  perSecond: number;
  /** Entries not answered 2xx (each a result not stored), with the first answer's text. */
  failed: number;
  firstFailure?: string;
}

/** POSTs a Bundle and returns the entries not answered 2xx. */
async function send(origin: string, authorization: string, bundle: Bundle): Promise<{ failed: number; first?: string }> {
  const res = await fetch(`${origin}/fhir`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/fhir+json', Prefer: 'return=minimal' },
    body: JSON.stringify(bundle),
  });
  const body = (await res.json()) as Bundle;
  if (res.status !== 200) return { failed: bundle.entry?.length ?? 0, first: `${res.status} ${JSON.stringify(body).slice(0, 400)}` };
  const bad = (body.entry ?? []).filter((e) => !/^2/.test(e.response?.status ?? ''));
  return { failed: bad.length, first: bad[0] ? JSON.stringify(bad[0].response).slice(0, 400) : undefined };
}

/**
 * Sends `bundles` Bundles of `size` results from result number `first`, `concurrency` at a time, and
 * times them. `make` builds each Bundle (the EHR's batch, or the baseline's transaction).
 */
export async function timeBundles(
  label: string, origin: string, authorization: string,
  o: { first: number; bundles: number; size: number; concurrency: number; make: (from: number, size: number) => Bundle },
): Promise<IngestRun> {
  let next = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const worker = async () => {
    while (next < o.bundles) {
      const i = next++;
      const answer = await send(origin, authorization, o.make(o.first + i * o.size, o.size));
      failed += answer.failed;
      firstFailure ??= answer.first;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const results = o.bundles * o.size;
  return { label, results, seconds, perSecond: results / seconds, failed, firstFailure };
}

/** The EHR's batch of pushed results (patients by MRN, results by accession number). */
export const ehrBatch = (patients: number) => (from: number, size: number): Bundle => pushBundle(from, size, patients);

/**
 * The baseline: the same results written by an admin as a transaction, each already naming its
 * Patient by reference and without the sender's key: the plain write path, with no intake.
 */
export const plainTransaction = (patientIds: readonly string[]) => (from: number, size: number): Bundle => {
  const entry = [];
  for (let n = from; n < from + size; n++) {
    const patient = patientIds[resultFacts(n, patientIds.length).patient];
    entry.push({ resource: { ...pushedResult(n, patientIds.length), identifier: undefined, subject: { reference: `Patient/${patient}` } }, request: { method: 'POST' as const, url: 'Observation' } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry } as Bundle;
};
