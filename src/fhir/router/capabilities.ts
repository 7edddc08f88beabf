import type { CapabilityStatement, CapabilityStatementRestResource, CapabilityStatementRestResourceSearchParam } from '@medplum/fhirtypes';
import { success } from '../outcomes';
import type { FhirRegistries } from '../conformance/registries';
import { referenceParams } from '../search/includes';
import type { HandlerContext, HandlerResult, InteractionCode, Route } from '../types';
import type { IndexedParameter } from '../../store/repository';

const SYSTEM_INTERACTIONS = new Set<InteractionCode>(['transaction', 'batch', 'history-system', 'search-system']);
const cache = new WeakMap<FhirRegistries, { version: string; statement: CapabilityStatement }>();

/**
 * GET /metadata: built from the route table and the registries, so it lists exactly what is served,
 * and built again whenever the search parameters or the profiles change.
 */
export async function capabilities(routes: readonly Route[], ctx: HandlerContext): Promise<HandlerResult> {
  const version = `${ctx.registries.searchParameters.version}/${ctx.registries.profiles.version}`;
  let cached = cache.get(ctx.registries);
  if (cached?.version !== version) {
    cached = { version, statement: buildCapabilityStatement(routes, ctx.registries, ctx.baseUrl) };
    cache.set(ctx.registries, cached);
  }
  return [success('ok', 'CapabilityStatement'), cached.statement];
}

export function buildCapabilityStatement(
  routes: readonly Route[],
  registries: FhirRegistries,
  baseUrl: string,
): CapabilityStatement {
  const all = [...new Set(routes.flatMap((r) => r.interactions))];
  const typeInteractions = all.filter((i) => !SYSTEM_INTERACTIONS.has(i) && i !== 'capabilities');
  const systemInteractions = all.filter((i) => SYSTEM_INTERACTIONS.has(i));
  const conditional = (code: InteractionCode) => routes.some((r) => r.conditional && r.interactions.includes(code));
  const typeOperations = (type: string) => operationsOf(routes.filter((r) => r.segments[0] === ':type' && (!r.types || r.types.includes(type))));
  const resource: CapabilityStatementRestResource[] = [...registries.resourceTypes].sort().map((type) => ({
    type: type as CapabilityStatementRestResource["type"],
    interaction: typeInteractions.map((code) => ({ code: code as never })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'full-support',
    conditionalUpdate: conditional('update'),
    conditionalDelete: conditional('delete') ? 'single' : 'not-supported',
    searchParam: registries.searchParameters.searchableFor(type).map((p) => searchParamOf(p, registries)),
    ...includesOf(type, registries),
    ...(typeOperations(type).length > 0 ? { operation: typeOperations(type) } : {}),
    ...supportedProfiles(type, registries),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'Stroma', version: '0.1.0' },
    implementation: { description: 'Stroma FHIR R4 server for cell-therapy clinical trials', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: systemInteractions.map((code) => ({ code: code as never })),
        searchParam: systemSearchParams(registries),
        operation: operationsOf(routes.filter((r) => r.segments[0] !== ':type')),
      },
    ],
  };
}

/** The operations the routes serve, each once (an operation served at type and instance level has two routes). */
function operationsOf(routes: readonly Route[]): { name: string; definition: string }[] {
  const byName = new Map(routes.flatMap((r) => (r.operation ? [[r.operation.name, r.operation] as const] : [])));
  return [...byName.values()].map(({ name, definition }) => ({ name, definition }));
}

function searchParamOf(param: IndexedParameter, registries: FhirRegistries): CapabilityStatementRestResourceSearchParam {
  const chains = registries.searchParameters.alsoVia(param);
  // The definition's also-via extensions are the server's own; a client reading only the statement learns of them here.
  const documentation = chains.length > 0 ? `Also matches through ${chains.map((c) => `${c}=[value]`).join(' and ')} (":missing" tests the parameter's own element only)` : undefined;
  return { name: param.code, definition: registries.searchParameters.definitionOf(param)?.url, type: param.type as never, documentation };
}

/** Every registered profile of the type (profiles/ and uploaded), each a canonical URL. */
function supportedProfiles(type: string, registries: FhirRegistries): Pick<CapabilityStatementRestResource, 'supportedProfile'> {
  const urls = registries.profiles.profilesFor(type).map((p) => p.url);
  return urls.length > 0 ? { supportedProfile: urls } : {};
}

/** _include and _revinclude values a type's search accepts, `*` for all of its references. */
function includesOf(type: string, registries: FhirRegistries): Pick<CapabilityStatementRestResource, 'searchInclude' | 'searchRevInclude'> {
  const index = referenceParams(registries);
  const name = (p: IndexedParameter) => `${p.resourceType}:${p.code}`;
  return {
    searchInclude: ['*', ...(index.byType.get(type) ?? []).map(name)],
    searchRevInclude: ['*', ...[...(index.byTarget.get(type) ?? []), ...index.untargeted].map(name).sort()],
  };
}

/**
 * rest.searchParam: what a system-level search (GET [base]?...) takes across all types: the
 * parameters every resource type has, and _type to name the types.
 */
function systemSearchParams(registries: FhirRegistries): CapabilityStatementRestResourceSearchParam[] {
  const types = [...registries.resourceTypes].filter((t) => !registries.searchParameters.isRestricted(t));
  const common = registries.searchParameters
    .searchableFor(types[0])
    .filter((p) => types.every((t) => registries.searchParameters.get(t, p.code)?.type === p.type))
    .map((p) => searchParamOf(p, registries));
  const type = { name: '_type', type: 'token' as const, documentation: 'The resource types to search, comma-separated (all when absent)' };
  return [...common, type];
}
