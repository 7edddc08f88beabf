import type { Resource } from '@medplum/fhirtypes';
import type { SearchParameterRegistry } from '../../fhir/conformance/search-parameter-registry';
import type { SearchFilter } from '../../store/repository';

/**
 * A client's own resources, for roles that see only what they sent (an EHR's pushes): the server
 * stamps meta.source with the client's URI at every write, whatever the client sent, so the stamp
 * can be trusted when reading and searching.
 */

const CLIENT_SOURCE_BASE = 'https://stroma-fhir.org/fhir/client/';

/** The meta.source the server writes on a client's resources. */
export function clientSource(clientId: string): string {
  return `${CLIENT_SOURCE_BASE}${encodeURIComponent(clientId)}`;
}

/** Sets meta.source to the client's URI, in place (the one write the policy makes to a resource). */
export function stampSource(resource: Resource, clientId: string): void {
  resource.meta = { ...resource.meta, source: clientSource(clientId) };
}

/** Whether `source` is a client's stamp: the resource was written by a role that sees only its own (an EHR). */
export function isClientSource(source: string | undefined): boolean {
  return source?.startsWith(CLIENT_SOURCE_BASE) === true;
}

export function isOwnedBy(resource: Resource, clientId: string): boolean {
  return resource.meta?.source === clientSource(clientId);
}

/**
 * The search condition "meta.source is the client's URI" over `types` (the searched type, or the
 * types of a system-level search). Throws when the registry has no `_source` parameter for a type:
 * without it the constraint could not hold, and searching unconstrained would reveal other clients' data.
 */
export function ownSourceFilter(
  clientId: string,
  resourceType: string,
  types: readonly string[] | undefined,
  params: SearchParameterRegistry,
): SearchFilter {
  const param = params.get(resourceType, '_source');
  if (!param) throw new Error(`The search parameter registry has no _source parameter for ${resourceType}`);
  const filter: SearchFilter = { param, values: [{ value: clientSource(clientId) }] };
  return types ? { ...filter, resourceTypes: [...types] } : filter;
}
