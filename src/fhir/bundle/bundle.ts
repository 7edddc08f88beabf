import type { Bundle } from '@medplum/fhirtypes';
import { errors, OperationOutcomeError } from '../outcomes';
import type { FhirRequest, Handler } from '../types';
import { processBatch } from './batch';
import { entryRequest } from './entry-request';
import { processTransaction } from './transaction';

/** POST [base] with a batch or transaction Bundle. */
export const bundle: Handler = async (request, _params, ctx) => {
  const body = request.body as Bundle | undefined;
  if (!body || typeof body !== 'object' || body.resourceType !== 'Bundle') {
    throw errors.invalid('POST to the base URL takes a Bundle of type batch or transaction');
  }
  if (body.type !== 'batch' && body.type !== 'transaction') {
    throw errors.invalid(`Bundle.type must be batch or transaction, not "${body.type}"`, 'Bundle.type');
  }
  if (ctx.tx) {
    throw errors.invalid('A Bundle may not be nested inside a transaction');
  }
  const entries = Array.isArray(body.entry) ? body.entry : [];
  if (entries.length > ctx.limits.bundleMaxEntries) {
    throw errors.tooCostly(`The Bundle has ${entries.length} entries; at most ${ctx.limits.bundleMaxEntries} are accepted`);
  }
  if (body.type === 'transaction') {
    const requests = entries.map((entry, i) => entryRequest(entry, i, request, ctx.baseUrl));
    return processTransaction(entries, requests, ctx);
  }
  return processBatch(entries, entries.map((entry, i) => tryEntryRequest(() => entryRequest(entry, i, request, ctx.baseUrl))), ctx);
};

function tryEntryRequest(build: () => FhirRequest): FhirRequest | OperationOutcomeError {
  try {
    return build();
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return error;
    }
    throw error;
  }
}
