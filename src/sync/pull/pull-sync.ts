import type { Endpoint } from '@medplum/fhirtypes';
import type { IndexedParameter } from '../../store/repository';
import { isPullEndpoint } from './endpoint';
import type { RunRecord } from './run-record';
import { syncEndpoint, type PullServices } from './sync-endpoint';

/** One Endpoint's share of a pass: its run's record, or `busy` when another run held it. */
export interface EndpointPass {
  endpoint: string;
  result: RunRecord | 'busy';
}

/** The Endpoints to pull from: active, FHIR REST, with the client extension. */
export async function activeEndpoints(services: PullServices): Promise<Endpoint[]> {
  const param = services.registries.searchParameters.get('Endpoint', 'status') as IndexedParameter;
  const found: Endpoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.store.search({ resourceType: 'Endpoint', filters: [{ param, values: [{ value: 'active' }] }], sort: [], count: 200, offset: 0, cursor, total: 'none' });
    found.push(...(page.resources as Endpoint[]).filter(isPullEndpoint));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/**
 * One pass: a run over each active Endpoint in turn (or over the one named, which must be one), as the
 * scheduler and `npm run sync` make it. Stops between Endpoints once `signal` aborts.
 */
export async function syncPass(services: PullServices, options: { endpointId?: string; signal?: AbortSignal } = {}): Promise<EndpointPass[]> {
  const endpoints = options.endpointId === undefined ? await activeEndpoints(services) : [await namedEndpoint(services, options.endpointId)];
  const passes: EndpointPass[] = [];
  for (const endpoint of endpoints) {
    if (options.signal?.aborted) break;
    passes.push({ endpoint: endpoint.id ?? '', result: (await syncEndpoint(endpoint, services, options.signal)) ?? 'busy' });
  }
  return passes;
}

async function namedEndpoint(services: PullServices, id: string): Promise<Endpoint> {
  const endpoint = (await services.store.read('Endpoint', id))?.resource as Endpoint | undefined;
  if (!endpoint) throw new Error(`No Endpoint/${id}`);
  if (!isPullEndpoint(endpoint)) throw new Error(`Endpoint/${id} is not an active hl7-fhir-rest Endpoint with the smart-backend-client extension`);
  return endpoint;
}
