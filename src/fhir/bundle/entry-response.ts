import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { statusLine, type Outcome } from '../outcomes';
import type { FhirRequest, HandlerResult } from '../types';

/** The response entry for one processed request, honouring Prefer: return. */
export function entryResponse(baseUrl: string, request: FhirRequest, [outcome, resource]: HandlerResult): BundleEntry {
  const versioned = resource?.meta?.versionId !== undefined && resource.id !== undefined;
  const created = outcome.category === 'created';
  const entry: BundleEntry = {
    ...(versioned ? { fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}` } : {}),
    response: {
      status: statusLine(outcome.category),
      ...(versioned && created ? { location: `${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}` } : {}),
      ...(versioned ? { etag: `W/"${resource.meta?.versionId}"`, lastModified: resource.meta?.lastUpdated } : {}),
    },
  };
  const body = bodyFor(request, outcome, resource);
  if (body) {
    entry.resource = body;
  }
  return entry;
}

export function failedEntryResponse(outcome: Outcome): BundleEntry {
  return { response: { status: statusLine(outcome.category), outcome: outcome.outcome } };
}

function bodyFor(request: FhirRequest, outcome: Outcome, resource: Resource | undefined): Resource | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') {
    return resource;
  }
  switch (request.preferReturn) {
    case 'minimal':
      return undefined;
    case 'OperationOutcome':
      return outcome.outcome;
    default:
      return resource;
  }
}
