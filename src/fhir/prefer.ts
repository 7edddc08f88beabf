import type { Resource } from '@medplum/fhirtypes';
import type { FhirRequest, HandlerResult } from './types';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Prefer: return applies to interactions that write a resource. Reads, searches (POST _search),
 * batch or transaction responses (POST to the base) and operations ($validate's OperationOutcome
 * is its answer) always carry what they produced.
 */
function writesAResource(request: FhirRequest): boolean {
  return WRITES.has(request.method) && request.path !== '' && !request.path.endsWith('_search') && !/(^|\/)\$[^/]*$/.test(request.path);
}

/** The body Prefer: return asks for: the resource (the default), its OperationOutcome, or none. */
export function preferredBody(request: FhirRequest, [outcome, resource]: HandlerResult): Resource | undefined {
  if (writesAResource(request)) {
    if (request.preferReturn === 'minimal') return undefined;
    if (request.preferReturn === 'OperationOutcome') return outcome.outcome;
  }
  return resource;
}

/** Prefer: return=minimal on a write: the response has no body at all. */
export function wantsNoBody(request: FhirRequest): boolean {
  return writesAResource(request) && request.preferReturn === 'minimal';
}
