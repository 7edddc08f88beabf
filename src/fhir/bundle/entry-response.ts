import type { BundleEntry } from '@medplum/fhirtypes';
import { statusLine, type Outcome } from '../outcomes';
import { preferredBody } from '../prefer';
import type { FhirRequest, HandlerResult } from '../types';

/** The response entry for one processed request, honouring Prefer: return. */
export function entryResponse(baseUrl: string, request: FhirRequest, result: HandlerResult): BundleEntry {
  const [outcome, resource] = result;
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
  const body = preferredBody(request, result);
  if (body) {
    entry.resource = body;
  }
  return entry;
}

export function failedEntryResponse(outcome: Outcome): BundleEntry {
  return { response: { status: statusLine(outcome.category), outcome: outcome.outcome } };
}
