import type { Identifier, Resource } from '@medplum/fhirtypes';
import type { ResourceWriter } from '../../store/repository';
import { parseSearch } from '../search/parse-search';
import type { FhirRequest, HandlerContext } from '../types';

/** A conditional update keyed by one identifier: `PUT Observation?identifier=system|value`. */
interface Keyed {
  request: FhirRequest;
  type: string;
  value: string;
}

/**
 * The matches of a Bundle's upserts keyed by identifier (R4's advice for idempotent writes: a
 * sender's result resent updates the stored one), found with one search per type instead of one per
 * entry, under the same locks lockedMatch takes (taken together, in a fixed order). Returns, per
 * request it could decide, the match or null for none; the others (several matches, a value repeated
 * in the Bundle, an odd value) are left to lockedMatch, entry by entry, which answers them as alone.
 */
export async function keyedMatches(requests: readonly FhirRequest[], tx: ResourceWriter, ctx: HandlerContext): Promise<Map<FhirRequest, Resource | null>> {
  const decided = new Map<FhirRequest, Resource | null>();
  const byType = new Map<string, Keyed[]>();
  for (const request of requests) {
    const keyed = keyedOf(request);
    if (!keyed) continue;
    const group = byType.get(keyed.type);
    if (group) group.push(keyed);
    else byType.set(keyed.type, [keyed]);
  }
  for (const [type, group] of byType) {
    const values = group.map((k) => k.value);
    if (group.length < 2 || new Set(values).size !== values.length) continue;
    await tx.lockAll(values.map((value) => `conditional:${type}?${new URLSearchParams([['identifier', value]])}`));
    const parsed = parseSearch(type, [['identifier', values.join(',')]], ctx.registries, true);
    const limit = values.length * 2;
    const found = (await tx.search({ ...parsed.query, count: limit, offset: 0, cursor: undefined, total: 'none', sort: [] })).resources;
    // Every match must be some value's, exactly as the index matched it; otherwise let lockedMatch decide.
    if (found.length >= limit || found.some((r) => !values.some((value) => carries(r, value)))) continue;
    for (const k of group) {
      const matches = found.filter((r) => carries(r, k.value));
      if (matches.length <= 1) decided.set(k.request, matches[0] ?? null);
    }
  }
  return decided;
}

function keyedOf(request: FhirRequest): Keyed | undefined {
  const type = request.path;
  if (request.method !== 'PUT' || type.includes('/') || request.query.length !== 1) return undefined;
  const [name, value] = request.query[0];
  if (name !== 'identifier' || !/^[^|,\\$]+\|[^|,\\$]+$/.test(value)) return undefined;
  return { request, type, value };
}

function carries(resource: Resource, token: string): boolean {
  const [system, value] = token.split('|');
  const identifiers: unknown = (resource as { identifier?: unknown }).identifier;
  return Array.isArray(identifiers) && (identifiers as Identifier[]).some((i) => i?.system === system && i?.value === value);
}
