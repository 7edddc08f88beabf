import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { success } from '../outcomes';
import type { FhirRegistries } from '../conformance/registries';
import type { HandlerContext, HandlerResult, InteractionCode, Route } from '../types';

const SYSTEM_INTERACTIONS = new Set<InteractionCode>(['transaction', 'batch', 'history-system', 'search-system']);
const cache = new WeakMap<FhirRegistries, { version: number; statement: CapabilityStatement }>();

/**
 * GET /metadata: built from the route table and the registries, so it lists exactly what is served,
 * and built again whenever the search parameters change.
 */
export async function capabilities(routes: readonly Route[], ctx: HandlerContext): Promise<HandlerResult> {
  const version = ctx.registries.searchParameters.version;
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
    searchParam: registries.searchParameters.searchableFor(type).map((p) => ({
      name: p.code,
      definition: registries.searchParameters.definitionOf(p)?.url,
      type: p.type as never,
    })),
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
        operation: routes.flatMap((r) => (r.operation ? [r.operation] : [])),
      },
    ],
  };
}
