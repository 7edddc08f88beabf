import { matchesSearchRequest, parseSearchRequest, type SearchRequest } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { errors } from '../fhir/outcomes';
import type { PatientCompartment } from '../fhir/patient-compartment';
import { parseSearch, toFilter } from '../fhir/search/parse-search';
import type { QueryFilter } from '../store/repository';
import type { ExportRequest } from './export-request';

/** Patients per compartment query: a reference filter with one value per patient, kept to a sensible size. */
const PATIENTS_PER_CHUNK = 500;

/**
 * One pass over a type's current resources: the store's filters for it, and the same conditions
 * evaluated on a resource in memory (for versions the index no longer describes, and so that a
 * resource that several passes match is written once, by the first).
 */
export interface ExportPass {
  filters: QueryFilter[];
  matches(resource: Resource): boolean;
}

/** What of one type an export covers. */
export interface TypeScope {
  resourceType: string;
  passes: ExportPass[];
  /** Whether a resource of the type is in the export at all (any pass matches it). */
  covers(resource: Resource): boolean;
}

/**
 * The passes of a type: one per chunk of the patients (Patient and Group level) and per `_typeFilter`
 * query of the type, crossed; none for a Group without patients. Throws `invalid` for a `_typeFilter` the server cannot search by.
 */
export function typeScope(request: ExportRequest, resourceType: string, registries: FhirRegistries, compartment: PatientCompartment): TypeScope {
  // At Patient and Group level a type outside the compartment has only the group's related resources.
  const patients = request.patients && compartment.has(resourceType) ? request.patients : request.patients ? [] : undefined;
  const chunks = patients ? chunked(patients, PATIENTS_PER_CHUNK).map((ids) => compartmentCondition(resourceType, ids, registries, compartment)) : [undefined];
  const queries = (request.typeFilters[resourceType] ?? [undefined]).map((query) => (query === undefined ? undefined : typeFilterCondition(resourceType, query, registries)));
  const passes: ExportPass[] = [];
  for (const chunk of chunks) {
    for (const query of queries) {
      passes.push({
        filters: [...(chunk?.filters ?? []), ...(query?.filters ?? [])],
        matches: (resource) => (chunk?.matches(resource) ?? true) && (query?.matches(resource) ?? true),
      });
    }
  }
  return { resourceType, passes, covers: (resource) => passes.some((pass) => pass.matches(resource)) };
}

/** Whether a resource an earlier pass than `index` matches (it was written then). */
export function matchedBefore(scope: TypeScope, index: number, resource: Resource): boolean {
  for (let i = 0; i < index; i++) if (scope.passes[i].matches(resource)) return true;
  return false;
}

function compartmentCondition(resourceType: string, ids: string[], registries: FhirRegistries, compartment: PatientCompartment): ExportPass {
  const set = new Set(ids);
  const matches = (resource: Resource) => compartment.includes(resource, set);
  if (resourceType === 'Patient') return { filters: [filter('Patient', '_id', ids.join(','), registries)], matches };
  const references = ids.map((id) => `Patient/${id}`).join(',');
  const byParam = compartment.paramsOf(resourceType).map((param) => filter(resourceType, param.code, references, registries));
  return { filters: [byParam.length === 1 ? byParam[0] : { kind: 'any', filters: byParam }], matches };
}

function typeFilterCondition(resourceType: string, query: string, registries: FhirRegistries): ExportPass {
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
  return { filters: parsed.query.filters, matches: (resource) => matchesSearchRequest(resource, request) };
}

function filter(resourceType: string, code: string, value: string, registries: FhirRegistries): QueryFilter {
  const result = toFilter(resourceType, code, value, registries);
  if (typeof result === 'string') throw new Error(result);
  return result;
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
