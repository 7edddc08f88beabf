import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { OperationOutcomeError, success, withLocation } from '../outcomes';
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
  const order = requests.map((_, i) => i).sort((a, b) => ORDER[requests[a].method] - ORDER[requests[b].method] || a - b);
  const responses = await ctx.repo.transaction(async (tx) => {
    const txCtx: HandlerContext = { ...ctx, tx };
    // Work on copies: the transaction may be re-run after a write conflict.
    const attempt: FhirRequest[] = [];
    for (let i = 0; i < requests.length; i++) attempt.push(await prepared(requests[i], i, entries, txCtx));
    const identities = await resolveIdentities(entries, attempt, tx, txCtx);
    const results: BundleEntry[] = new Array(entries.length);
    for (const i of order) {
      try {
        if (attempt[i].body !== undefined && attempt[i].method !== 'PATCH') {
          attempt[i].body = await rewriteReferences(attempt[i].body, identities, tx, txCtx, `Bundle.entry[${i}]`);
        }
        results[i] = entryResponse(ctx.baseUrl, attempt[i], await ctx.dispatch(attempt[i], txCtx));
      } catch (error) {
        if (error instanceof OperationOutcomeError) {
          throw new OperationOutcomeError(error.category, withLocation(error.outcome, `Bundle.entry[${i}]`));
        }
        throw error;
      }
    }
    return results;
  });
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
  return [success('ok', 'Transaction committed'), bundle];
}

/** An entry as the intakes prepare it, before identities are decided (a re-sent result updates the stored one). */
async function prepared(request: FhirRequest, index: number, entries: BundleEntry[], ctx: HandlerContext): Promise<FhirRequest> {
  try {
    return await ctx.registries.intake.prepare({ ...request }, ctx, entries);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      throw new OperationOutcomeError(error.category, withLocation(error.outcome, `Bundle.entry[${index}]`));
    }
    throw error;
  }
}
