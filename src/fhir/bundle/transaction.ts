import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { OperationOutcomeError, success, withLocation } from '../outcomes';
import type { ResourceWriter } from '../../store/repository';
import type { FhirRequest, HandlerContext, HandlerResult } from '../types';
import { entryResponse } from './entry-response';
import { resolveIdentities } from './identities';
import { rewriteReferences } from './references';

/** R4 transaction processing order: DELETE, then POST, then PUT and PATCH, then GET and HEAD. */
const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

/**
 * All entries in one database transaction: any failure rolls back every write, and the error
 * names the entry (Bundle.entry[i]) that failed.
 */
export async function processTransaction(
  entries: BundleEntry[],
  requests: FhirRequest[],
  ctx: HandlerContext,
): Promise<HandlerResult> {
  const responses = await ctx.repo.transaction((tx) => runAsOne(entries, requests, ctx, tx, { transaction: true }));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
  return [success('ok', 'Transaction committed'), bundle];
}

/**
 * Runs a Bundle's entries in the transaction `tx`: each prepared by the intakes, then every
 * entry's identity decided before anything is written (so the writes go out together), then each
 * routed. A transaction also resolves references between entries and runs them in R4's order; a batch
 * tried as one transaction (batch.ts) keeps its order and its references as sent, as it would alone.
 * Throws the first entry's failure, located at the entry.
 */
export async function runAsOne(
  entries: BundleEntry[],
  requests: FhirRequest[],
  ctx: HandlerContext,
  tx: ResourceWriter,
  options: { transaction: boolean },
): Promise<BundleEntry[]> {
  const txCtx: HandlerContext = { ...ctx, tx };
  const order = requests.map((_, i) => i);
  if (options.transaction) order.sort((a, b) => ORDER[requests[a].method] - ORDER[requests[b].method] || a - b);
  const results: BundleEntry[] = new Array(entries.length);
  // Work on copies: the transaction may be re-run after a write conflict.
  const attempt: FhirRequest[] = [];
  for (let i = 0; i < requests.length; i++) attempt.push(await located(i, () => txCtx.registries.intake.prepare({ ...requests[i] }, txCtx, entries)));
  const identities = await resolveIdentities(entries, attempt, tx, txCtx);
  for (const i of order) {
    await located(i, async () => {
      if (options.transaction && attempt[i].body !== undefined && attempt[i].method !== 'PATCH') {
        attempt[i].body = await rewriteReferences(attempt[i].body, identities, tx, txCtx, `Bundle.entry[${i}]`);
      }
      results[i] = entryResponse(txCtx.baseUrl, attempt[i], await txCtx.dispatch(attempt[i], txCtx));
    });
  }
  return results;
}

/** An entry's failure, located at the entry (Bundle.entry[i]); `entryError` is the error as the entry alone would have it. */
export class EntryFailure extends OperationOutcomeError {
  constructor(
    readonly index: number,
    readonly entryError: OperationOutcomeError,
  ) {
    super(entryError.category, withLocation(entryError.outcome, `Bundle.entry[${index}]`));
  }
}

/** Runs one entry's step; an OperationOutcomeError then becomes the entry's EntryFailure. */
async function located<T>(index: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof OperationOutcomeError) throw new EntryFailure(index, error);
    throw error;
  }
}
