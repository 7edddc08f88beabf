import { randomUUID } from 'node:crypto';
import type { Group } from '@medplum/fhirtypes';
import type { AccessControl } from '../fhir/access';
import { serverReaderOf } from '../fhir/access-controlled-repository';
import type { FhirRegistries } from '../fhir/conformance/registries';
import { errors, issue, outcomeOf } from '../fhir/outcomes';
import type { PatientCompartment } from '../fhir/patient-compartment';
import type { FhirRequest, HandlerContext, HandlerResult, Route } from '../fhir/types';
import type { ExportStore } from '../store/export-store';
import type { ResourceKey } from '../store/repository';
import { kickOffParameters, requireRespondAsync, type ExportRequest, type KickOffParameters } from './export-request';
import { typeScope } from './export-scope';
import { statusUrl } from './manifest';

const BULK_IG = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';
/** Not stored as resources (AuditEvents live in the audit log): never exported. */
const NOT_EXPORTED = new Set(['AuditEvent']);
const PATIENT_PAGE = 1_000;

export interface KickOffDeps {
  store: ExportStore;
  registries: FhirRegistries;
  compartment: PatientCompartment;
  /** Tells the worker a job is waiting. */
  queued(): void;
}

/** The kick-off routes of Bulk Data export (IG 2.0): system, Patient and Group level, GET and POST. */
export function kickOffRoutes(deps: KickOffDeps): Route[] {
  const levels: [string[], 'system' | 'patient' | 'group', string, string[] | undefined][] = [
    [['$export'], 'system', 'export', undefined],
    [[':type', '$export'], 'patient', 'patient-export', ['Patient']],
    [[':type', ':id', '$export'], 'group', 'group-export', ['Group']],
  ];
  return levels.flatMap(([segments, level, definition, types]) =>
    (['GET', 'POST'] as const).map((method) => ({
      method, segments, interactions: [], ...(types ? { types } : {}),
      operation: { name: 'export', definition: `${BULK_IG}/${definition}` },
      handler: (request: FhirRequest, params: { id?: string }, ctx: HandlerContext) => kickOff(request, level, params.id, ctx, deps),
    })),
  );
}

async function kickOff(request: FhirRequest, level: ExportRequest['level'], groupId: string | undefined, ctx: HandlerContext, deps: KickOffDeps): Promise<HandlerResult> {
  requireRespondAsync(request);
  const parameters = kickOffParameters(request, deps.registries.resourceTypes);
  const requester = { ...ctx.access.requester, ...(parameters.deidentify ? { deidentify: true } : {}) };
  const members = level === 'group' ? await groupMembers(groupId as string, ctx, deps) : undefined;
  const patients = level === 'patient' ? await visiblePatients(ctx) : members?.patients;
  const exportRequest: ExportRequest = {
    level, ...(groupId ? { groupId } : {}),
    types: exportedTypes(parameters, level, members?.related ?? [], ctx.access, deps),
    ...(parameters.since ? { since: parameters.since } : {}),
    typeFilters: parameters.typeFilters,
    ...(parameters.elements ? { elements: parameters.elements } : {}),
    requester,
    ...(patients ? { patients } : {}),
    ...(members ? { related: members.related } : {}),
    requestUrl: requestUrl(request, ctx.baseUrl),
  };
  // A _typeFilter the server cannot search by, or the requester may not (a parameter its masks hide),
  // is refused now, not when the job reaches it.
  for (const type of Object.keys(exportRequest.typeFilters)) {
    for (const pass of typeScope(exportRequest, type, deps.registries, deps.compartment).passes) {
      ctx.access.constrainSearch({ resourceType: type, filters: pass.requested, sort: [], count: 1, offset: 0, total: 'none' });
    }
  }
  const job = await deps.store.create({ id: randomUUID(), owner: requester.clientId, request: exportRequest as unknown as Record<string, unknown> }, new Date().toISOString());
  deps.queued();
  const outcome = outcomeOf(issue('information', 'informational', `Export accepted: poll ${statusUrl(ctx.baseUrl, job.id)} for its status`));
  return [{ category: 'accepted', outcome, headers: { 'Content-Location': statusUrl(ctx.baseUrl, job.id) } }];
}

/**
 * The types to export: those asked for (`_type`), else every type the level covers; a type asked for
 * that the requester may not search is refused (403), one not asked for is left out.
 */
function exportedTypes(parameters: KickOffParameters, level: ExportRequest['level'], related: ResourceKey[], access: AccessControl, deps: KickOffDeps): string[] {
  const relatedTypes = related.map((k) => k.resourceType);
  const covered = (type: string) => level === 'system' || deps.compartment.has(type) || relatedTypes.includes(type);
  if (parameters.types) {
    for (const type of parameters.types) {
      if (NOT_EXPORTED.has(type) || !covered(type)) throw errors.invalid(`_type ${type} is not exported at ${level} level`);
      access.authorize({ interaction: 'search-type', resourceTypes: [type] });
    }
    return [...new Set(parameters.types)];
  }
  const all = level === 'system' ? [...deps.registries.resourceTypes].sort() : [...new Set([...deps.compartment.types(), ...relatedTypes])];
  return all.filter((type) => !NOT_EXPORTED.has(type) && mayExport(access, type));
}

function mayExport(access: AccessControl, type: string): boolean {
  try {
    access.authorize({ interaction: 'search-type', resourceTypes: [type] });
    return true;
  } catch {
    return false;
  }
}

/** The Group as the requester may read it (404 otherwise), and who it stands for. */
async function groupMembers(groupId: string, ctx: HandlerContext, deps: KickOffDeps): Promise<{ patients: string[]; related: ResourceKey[] }> {
  ctx.access.authorize({ interaction: 'read', resourceTypes: ['Group'] });
  const reader = serverReaderOf(ctx.repo);
  // Read once as the server (the resolvers need the Group as stored); hidden from the requester is absent.
  const version = await reader.read('Group', groupId);
  const group = version?.resource && ctx.access.filterRead(version.resource) ? (version.resource as Group) : undefined;
  if (!group) throw version?.deleted ? errors.gone(`Group/${groupId} was deleted`) : errors.notFound(`Group/${groupId}`);
  return deps.registries.groups.membersOf(group, reader);
}

/** Patient level: every Patient the requester may see (their real ids: masks apply when the job writes). */
async function visiblePatients(ctx: HandlerContext): Promise<string[]> {
  ctx.access.authorize({ interaction: 'search-type', resourceTypes: ['Patient'] });
  const reader = serverReaderOf(ctx.repo);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = ctx.access.constrainSearch({ resourceType: 'Patient', filters: [], sort: [], count: PATIENT_PAGE, offset: 0, total: 'none', ...(cursor ? { cursor } : {}) });
    const page = await reader.search(query);
    for (const patient of page.resources) if (ctx.access.filterRead(patient)) ids.push(patient.id as string);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

function requestUrl(request: FhirRequest, baseUrl: string): string {
  const query = new URLSearchParams(request.query).toString();
  return `${baseUrl}/${request.path}${query ? `?${query}` : ''}`;
}
