import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { WriteConflictError } from '../../store/repository';
import { OperationOutcomeError, success } from '../outcomes';
import type { FhirRequest, HandlerContext, HandlerResult } from '../types';
import { entryResponse, failedEntryResponse } from './entry-response';
import { runAsOne } from './transaction';

/**
 * Each entry on its own: one failing does not affect the others. Tried first as one database
 * transaction, which commits once for all entries (a batch of 100 lab results then costs one commit,
 * not 100); when any entry fails there, nothing of that attempt is kept and every entry runs again in
 * a transaction of its own, so a failure's effect is exactly what it would have been alone. A client
 * cannot tell the two apart: entries see earlier entries' writes either way.
 */
export async function processBatch(
  entries: BundleEntry[],
  requests: (FhirRequest | OperationOutcomeError)[],
  ctx: HandlerContext,
): Promise<HandlerResult> {
  const together = requests.some((r) => r instanceof OperationOutcomeError) ? undefined : await allInOne(entries, requests as FhirRequest[], ctx);
  const entry = together ?? (await oneByOne(entries, requests, ctx));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'batch-response', entry };
  return [success('ok', 'Batch processed'), bundle];
}

/** Every entry in one transaction, or undefined when one failed (then nothing of it was kept). */
async function allInOne(entries: BundleEntry[], requests: FhirRequest[], ctx: HandlerContext): Promise<BundleEntry[] | undefined> {
  const noted = ctx.trail?.entities.length ?? 0;
  try {
    return await ctx.repo.transaction((tx) => runAsOne(entries, requests, ctx, tx, { transaction: false }));
  } catch (error) {
    // A refused entry, or a write conflict the shared transaction could not get past: entry by entry,
    // each answers for itself (a conflict there is its entry's 409, as before).
    if (!(error instanceof OperationOutcomeError) && !(error instanceof WriteConflictError)) throw error;
    // The audit trail records what the entries do when run again, not what was rolled back.
    ctx.trail?.entities.splice(noted);
    return undefined;
  }
}

async function oneByOne(entries: BundleEntry[], requests: (FhirRequest | OperationOutcomeError)[], ctx: HandlerContext): Promise<BundleEntry[]> {
  const answers: BundleEntry[] = [];
  for (const request of requests) {
    if (request instanceof OperationOutcomeError) {
      answers.push(failedEntryResponse(request));
      continue;
    }
    try {
      // Prepared with the whole Bundle in view: an entry may name its patient by another entry's fullUrl.
      const prepared = await ctx.registries.intake.prepare(request, ctx, entries);
      answers.push(entryResponse(ctx.baseUrl, prepared, await ctx.dispatch(prepared, ctx)));
    } catch (error) {
      if (!(error instanceof OperationOutcomeError)) throw error;
      answers.push(failedEntryResponse(error));
    }
  }
  return answers;
}
