import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { OperationOutcomeError, success } from '../outcomes';
import type { FhirRequest, HandlerContext, HandlerResult } from '../types';
import { entryResponse, failedEntryResponse } from './entry-response';

/** Each entry on its own, in its own transaction; one failing does not affect the others. */
export async function processBatch(
  entries: BundleEntry[],
  requests: (FhirRequest | OperationOutcomeError)[],
  ctx: HandlerContext,
): Promise<HandlerResult> {
  const entry: BundleEntry[] = [];
  for (const request of requests) {
    if (request instanceof OperationOutcomeError) {
      entry.push(failedEntryResponse(request));
      continue;
    }
    try {
      // Prepared with the whole Bundle in view: an entry may name its patient by another entry's fullUrl.
      const prepared = await ctx.registries.intake.prepare(request, ctx, entries);
      entry.push(entryResponse(ctx.baseUrl, prepared, await ctx.dispatch(prepared, ctx)));
    } catch (error) {
      if (!(error instanceof OperationOutcomeError)) {
        throw error;
      }
      entry.push(failedEntryResponse(error));
    }
  }
  const bundle: Bundle = { resourceType: 'Bundle', type: 'batch-response', entry };
  return [success('ok', 'Batch processed'), bundle];
}
