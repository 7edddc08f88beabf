import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { OperationOutcomeError, success } from '../outcomes';
import type { FhirRequest, HandlerContext, HandlerResult } from '../types';
import { entryResponse, failedEntryResponse } from './entry-response';

/** Each entry on its own, in its own transaction; one failing does not affect the others. */
export async function processBatch(requests: (FhirRequest | OperationOutcomeError)[], ctx: HandlerContext): Promise<HandlerResult> {
  const entry: BundleEntry[] = [];
  for (const request of requests) {
    if (request instanceof OperationOutcomeError) {
      entry.push(failedEntryResponse(request));
      continue;
    }
    try {
      entry.push(entryResponse(ctx.baseUrl, request, await ctx.dispatch(request, ctx)));
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
