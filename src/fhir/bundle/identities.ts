import { randomUUID } from 'node:crypto';
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import type { ResourceWriter } from '../../store/repository';
import { errors } from '../outcomes';
import { lockedMatch } from '../router/conditional';
import { keyedMatches } from './keyed-matches';
import type { FhirRequest, HandlerContext } from '../types';

/**
 * Decides, before anything is written, which resource each entry's fullUrl stands for: a new id
 * for a create (or the existing match of a conditional create), the URL's id for an update, the
 * match of a conditional update. Returns fullUrl -> "Type/id" and sets each create's assignedId.
 */
export async function resolveIdentities(
  entries: BundleEntry[],
  requests: FhirRequest[],
  tx: ResourceWriter,
  ctx: HandlerContext,
): Promise<Map<string, string>> {
  const identities = new Map<string, string>();
  const written = new Set<string>();
  const prefetched = await keyedMatches(requests, tx, ctx);
  for (let i = 0; i < entries.length; i++) {
    const request = requests[i];
    const type = request.path.split('/')[0];
    const id = await identityOf(request, type, tx, ctx, prefetched);
    if (id && request.method !== 'GET' && request.method !== 'HEAD') {
      // R4: a transaction may not touch one resource twice; the outcome would depend on entry order.
      if (written.has(`${type}/${id}`)) {
        throw errors.invalid(`Bundle.entry[${i}] writes ${type}/${id}, which another entry writes too`, `Bundle.entry[${i}]`);
      }
      written.add(`${type}/${id}`);
    }
    const fullUrl = entries[i].fullUrl;
    if (id && fullUrl) {
      if (identities.has(fullUrl)) {
        throw errors.invalid(`Bundle.entry[${i}].fullUrl ${fullUrl} appears more than once`, `Bundle.entry[${i}].fullUrl`);
      }
      identities.set(fullUrl, `${type}/${id}`);
    }
  }
  return identities;
}

async function identityOf(
  request: FhirRequest, type: string, tx: ResourceWriter, ctx: HandlerContext, prefetched: Map<FhirRequest, Resource | null>,
): Promise<string | undefined> {
  if (request.answer) return undefined; // an intake answered it: it writes nothing
  const segments = request.path.split('/');
  if (request.method === 'POST' && segments.length === 1) {
    if (request.ifNoneExist) {
      const existing = await lockedMatch(tx, ctx, type, request.ifNoneExist);
      if (existing) {
        return existing.id;
      }
    }
    request.assignedId = randomUUID();
    return request.assignedId;
  }
  if (request.method === 'PUT' && segments.length === 1 && request.query.length > 0) {
    const match = prefetched.has(request) ? (prefetched.get(request) ?? undefined) : await lockedMatch(tx, ctx, type, request.query);
    const bodyId = (request.body as { id?: string } | undefined)?.id;
    if (!match && !bodyId) {
      request.assignedId = randomUUID();
    }
    if (!match || !bodyId || bodyId === match.id) resolveConditionalUpdate(request, type, match?.id ?? bodyId, request.assignedId);
    return match?.id ?? bodyId ?? request.assignedId;
  }
  if ((request.method === 'PUT' || request.method === 'PATCH' || request.method === 'DELETE') && segments.length === 2) {
    return segments[1];
  }
  return undefined;
}

/**
 * A conditional update whose match was found here (under the criteria's lock, held to the end of the
 * transaction) as the plain write it comes to: an update of that id, or a create with the id drawn.
 * Routed so, it does not search again, which would force the Bundle's earlier writes out one by one.
 */
function resolveConditionalUpdate(request: FhirRequest, type: string, id: string | undefined, assignedId: string | undefined): void {
  request.query = [];
  if (assignedId) {
    request.method = 'POST';
    request.path = type;
    return;
  }
  request.path = `${type}/${id}`;
  request.body = { ...(request.body as object), id };
}
