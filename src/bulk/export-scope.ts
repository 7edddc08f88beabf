import { matchesSearchRequest, parseSearchRequest, type SearchRequest } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { errors } from '../fhir/outcomes';
import type { PatientCompartment } from '../fhir/patient-compartment';
import { parseSearch, serverFilter } from '../fhir/search/parse-search';
import type { QueryFilter } from '../store/repository';
import type { ExportRequest } from './export-request';

/**
 * Patients per compartment pass. Each page of a pass finds the whole chunk's references again before it
 * skips to its cursor, so a chunk is kept to a few pages of a trial's records (bench:export).
 */
export const PATIENTS_PER_CHUNK = 10;

/**
 * One pass over a type's current resources: a chunk of the patients crossed with one `_typeFilter`
 * query, as the store's filters.
 */
export interface ExportPass {
  /** The requester's own conditions (a `_typeFilter`), in the ids it knows. */
  requested: QueryFilter[];
  /** The server's conditions (the patients' compartments), in stored ids. */
  scope: QueryFilter[];
}

interface Condition {
  filters: QueryFilter[];
  matches(resource: Resource): boolean;
}

/**
 * What of one type an export covers. The same conditions are evaluated on a resource in memory, for
 * versions the index no longer describes, and so that a resource several passes match is written once,
 * by the first.
 */
export interface TypeScope {
  resourceType: string;
  /** Chunk by chunk, each chunk with every query in turn. */
  passes: ExportPass[];
  /** Whether a resource of the type is in the export at all (some pass matches it). */
  covers(resource: Resource): boolean;
  /** Whether a pass before `index` matches the resource (it was written then). */
  matchedBefore(index: number, resource: Resource): boolean;
}

/**
 * The passes of a type: one per chunk of the patients (Patient and Group level) and per `_typeFilter`
 * query of the type, crossed; none for a Group without patients. Throws `invalid` for a `_typeFilter` the
 * server cannot search by.
 */
export function typeScope(
  request: ExportRequest, resourceType: string, registries: FhirRegistries, compartment: PatientCompartment, view: (resource: Resource) => Resource = (r) => r,
): TypeScope {
  // At Patient and Group level a type outside the compartment has only the group's related resources.
  const patients = request.patients && compartment.has(resourceType) ? request.patients : request.patients ? [] : undefined;
  const chunks = patients ? chunked(patients, PATIENTS_PER_CHUNK) : undefined;
  const chunkFilters = chunks ? chunks.map((ids) => compartmentFilters(resourceType, ids, registries, compartment)) : [[]];
  const queries = (request.typeFilters[resourceType] ?? [undefined]).map((query) => (query === undefined ? undefined : typeFilterCondition(resourceType, query, registries, view)));
  const passes = chunkFilters.flatMap((scope) => queries.map((query) => ({ requested: query?.filters ?? [], scope })));
  const chunkOf = new Map((chunks ?? []).flatMap((ids, index) => ids.map((id) => [id, index] as const)));
  // The chunks a resource is in: through the patients it names (every resource is in the one chunk of a system export).
  const chunksOf = (resource: Resource): Set<number> =>
    chunks ? new Set(compartment.patientsOf(resource).flatMap((id) => (chunkOf.has(id) ? [chunkOf.get(id) as number] : []))) : new Set([0]);
  const matchesQuery = (q: number, resource: Resource) => queries[q]?.matches(resource) ?? true;
  const anyQuery = (resource: Resource, below = queries.length) => queries.slice(0, below).some((_, q) => matchesQuery(q, resource));
  return {
    resourceType,
    passes,
    covers: (resource) => chunksOf(resource).size > 0 && anyQuery(resource),
    matchedBefore(index, resource) {
      if (index === 0) return false;
      const chunk = Math.floor(index / queries.length);
      const query = index % queries.length;
      for (const c of chunksOf(resource)) {
        if ((c < chunk && anyQuery(resource)) || (c === chunk && anyQuery(resource, query))) return true;
      }
      return false;
    },
  };
}

function compartmentFilters(resourceType: string, ids: string[], registries: FhirRegistries, compartment: PatientCompartment): QueryFilter[] {
  if (resourceType === 'Patient') return [serverFilter('Patient', '_id', ids.join(','), registries)];
  const references = ids.map((id) => `Patient/${id}`).join(',');
  const byParam = compartment.paramsOf(resourceType).map((param) => serverFilter(resourceType, param.code, references, registries));
  return [byParam.length === 1 ? byParam[0] : { kind: 'any', filters: byParam }];
}

/**
 * A `_typeFilter` query: the store's filters, and in memory the same query on the resource as the
 * requester sees it (`view`: the ids it names are the ones it sees, pseudonyms for a registry).
 */
function typeFilterCondition(resourceType: string, query: string, registries: FhirRegistries, view: (resource: Resource) => Resource): Condition {
  const params = [...new URLSearchParams(query).entries()];
  let parsed;
  let request: SearchRequest;
  try {
    parsed = parseSearch(resourceType, params, registries, true);
    request = parseSearchRequest(resourceType, Object.fromEntries(groupValues(params)));
  } catch (error) {
    throw errors.invalid(`_typeFilter ${resourceType}?${query}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.includes.length > 0 || parsed.applied.length !== params.length) {
    throw errors.invalid(`_typeFilter ${resourceType}?${query} may only hold search parameters, not _include, _sort or other result parameters`);
  }
  return { filters: parsed.query.filters, matches: (resource) => matchesSearchRequest(view(resource), request) };
}


function groupValues(params: [string, string][]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return grouped;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
