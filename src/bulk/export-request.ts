import type { Parameters } from '@medplum/fhirtypes';
import type { Requester } from '../fhir/access';
import { errors } from '../fhir/outcomes';
import type { FhirRequest } from '../fhir/types';
import type { ResourceKey } from '../store/repository';

/** What an export job exports: the kick-off request, checked and resolved, as the job keeps it. */
export interface ExportRequest {
  level: 'system' | 'patient' | 'group';
  groupId?: string;
  /** The types to export, in the order their files are written. */
  types: string[];
  /** Only resources changed after this instant, and the deletions since (ISO). */
  since?: string;
  /** By type, the search queries (`code=...`) a resource must meet one of. */
  typeFilters: Record<string, string[]>;
  /** `_elements`, as given (`Observation.code` or `code`). */
  elements?: string[];
  requester: Requester;
  /** Patient and Group level: the patients whose records are exported. */
  patients?: string[];
  /** Group level: resources outside the patients' records that go with the group (a study's own). */
  related?: ResourceKey[];
  /** The kick-off URL, as the manifest's `request` repeats it. */
  requestUrl: string;
}

/** The kick-off's parameters before the types and patients are resolved. */
export interface KickOffParameters {
  types?: string[];
  since?: string;
  typeFilters: Record<string, string[]>;
  elements?: string[];
  deidentify: boolean;
}

/** Bulk Data IG 2.0: these three name the one format offered, NDJSON. */
const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

const KNOWN = new Set(['_outputFormat', '_since', '_type', '_typeFilter', '_elements', '_deidentify', 'patient', 'includeAssociatedData']);

/** The parameters of a kick-off request, from its query (GET) or its Parameters body (POST). */
export function kickOffParameters(request: FhirRequest, resourceTypes: ReadonlySet<string>): KickOffParameters {
  const pairs = request.method === 'POST' && request.body !== undefined ? parametersBody(request.body) : request.query;
  const result: KickOffParameters = { typeFilters: {}, deidentify: false };
  for (const [name, value] of pairs) {
    if (!KNOWN.has(name)) throw errors.invalid(`$export does not take the parameter ${name}`);
    if (name === '_outputFormat' && !NDJSON_FORMATS.has(value)) throw errors.invalid(`_outputFormat ${value} is not offered: only application/fhir+ndjson`);
    if (name === '_since') result.since = instant(value);
    if (name === '_type') result.types = [...(result.types ?? []), ...list(value).map((t) => knownType(t, resourceTypes))];
    if (name === '_typeFilter') for (const filter of list(value)) addTypeFilter(result.typeFilters, filter, resourceTypes);
    if (name === '_elements') result.elements = [...(result.elements ?? []), ...list(value)];
    if (name === '_deidentify') result.deidentify = booleanValue(name, value);
    // Bulk Data 2.0 `patient` (POST) and includeAssociatedData are not offered: refused, not ignored.
    if (name === 'patient' || name === 'includeAssociatedData') throw errors.invalid(`$export does not support the parameter ${name}`);
  }
  return result;
}

/** The Prefer header must ask for the asynchronous pattern (Bulk Data IG: kick-off request headers). */
export function requireRespondAsync(request: FhirRequest): void {
  if (!request.preferRespondAsync) throw errors.invalid('$export runs asynchronously: send the header Prefer: respond-async');
}

function parametersBody(body: unknown): [string, string][] {
  const parameters = body as Parameters;
  if (parameters?.resourceType !== 'Parameters') throw errors.invalid('A POST to $export takes a Parameters resource');
  return (parameters.parameter ?? []).map((p) => {
    const value = p.valueString ?? p.valueInstant ?? p.valueCode ?? p.valueBoolean?.toString() ?? p.valueDateTime;
    if (p.name === undefined || value === undefined) throw errors.invalid(`The parameter ${p.name ?? '(unnamed)'} has no value $export takes`);
    return [p.name, value];
  });
}

function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
}

function knownType(type: string, resourceTypes: ReadonlySet<string>): string {
  if (!resourceTypes.has(type)) throw errors.invalid(`_type names ${type}, which is not a resource type this server stores`);
  return type;
}

function addTypeFilter(filters: Record<string, string[]>, filter: string, resourceTypes: ReadonlySet<string>): void {
  const [type, query, ...rest] = filter.split('?');
  if (!type || query === undefined || rest.length > 0) throw errors.invalid(`_typeFilter ${filter} is not of the form Type?search`);
  knownType(type, resourceTypes);
  (filters[type] ??= []).push(query);
}

function instant(value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) throw errors.invalid(`_since ${value} is not an instant (YYYY-MM-DDThh:mm:ss+zz:zz)`);
  return new Date(time).toISOString();
}

function booleanValue(name: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') throw errors.invalid(`${name} takes true or false, not ${value}`);
  return value === 'true';
}
