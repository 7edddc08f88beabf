import type { Requester } from '../../fhir/access';
import { errors } from '../../fhir/outcomes';
import type { ReadMaskRegistry } from '../../fhir/read-masks';
import type { QueryFilter, SearchFilter, SearchQuery } from '../../store/repository';
import type { Rights } from './rights';

/**
 * The bounds a requester's rights set on a search: which types it may search, and which types a
 * chain or `_has` may reach (a chain would otherwise reveal facts about resources of a type the
 * requester may not read, through which resources match).
 */

/**
 * `query` with a system-level search's types narrowed to those the requester may search; throws
 * `forbidden` when none is left, or when a type-level search's type is not searchable.
 */
export function narrowTypes(query: SearchQuery, rights: Rights): SearchQuery {
  if (!query.types) {
    const refusal = rights.refusal('search-type', query.resourceType);
    if (refusal) throw errors.forbidden(refusal);
    return query;
  }
  const types = query.types.filter((type) => rights.may('search-system', type));
  if (types.length === 0) {
    throw errors.forbidden(`Role ${rights.requester.role} with these scopes may not search any of ${query.types.join(', ')}`);
  }
  return types.length === query.types.length ? query : { ...query, resourceType: types[0], types };
}

/** The types a filter reaches through chains and reverse chains (not the searched type itself). */
export function reachedTypes(filter: QueryFilter): string[] {
  if (!('kind' in filter)) return [];
  switch (filter.kind) {
    case 'chain':
      return filter.targets.flatMap((t) => [t.resourceType, ...reachedTypes(t.filter)]);
    case 'has':
      return [filter.reference.resourceType, ...reachedTypes(filter.filter)];
    case 'any':
      return filter.filters.flatMap(reachedTypes);
  }
}

/** Throws `forbidden` when a filter of the query reaches a type the requester may not read. */
export function checkReachedTypes(query: SearchQuery, rights: Rights): void {
  const reached = new Set(query.filters.flatMap(reachedTypes));
  const forbidden = [...reached].filter((type) => !rights.mayRead(type));
  if (forbidden.length > 0) {
    throw errors.forbidden(`Role ${rights.requester.role} may not search through ${forbidden.join(', ')} (chained or _has)`);
  }
}

/** Whether any filter of the query goes through a chain or `_has`. */
export function reachesOtherResources(query: SearchQuery): boolean {
  return query.filters.some((f) => reachedTypes(f).length > 0);
}

/** Every (type, parameter code) a query searches or sorts by, through chains and `_has` too (`_id` and `_lastUpdated` included). */
export function searchedParameters(query: SearchQuery): { resourceType: string; code: string }[] {
  const types = query.types ?? [query.resourceType];
  const ofParam = (param: SearchFilter['param'], on: readonly string[]) =>
    on.map((resourceType) => ({ resourceType, code: typeof param === 'string' ? param : param.code }));
  const walk = (filter: QueryFilter, on: readonly string[]): { resourceType: string; code: string }[] => {
    if (!('kind' in filter)) return ofParam(filter.param, filter.resourceTypes ?? on);
    switch (filter.kind) {
      case 'chain':
        return [...ofParam(filter.reference, on), ...filter.targets.flatMap((t) => walk(t.filter, [t.resourceType]))];
      case 'has':
        return [...ofParam(filter.reference, [filter.reference.resourceType]), ...walk(filter.filter, [filter.reference.resourceType])];
      case 'any':
        return filter.filters.flatMap((f) => walk(f, on));
    }
  };
  return [...query.filters.flatMap((f) => walk(f, types)), ...query.sort.flatMap((rule) => ofParam(rule.param, types))];
}

/**
 * Throws `forbidden` when the query searches or sorts by a parameter a read mask hides from the
 * requester: the matches would reveal the masked values (a registry finding a Patient by name).
 */
export function checkMaskedParameters(query: SearchQuery, masks: ReadMaskRegistry, requester: Requester): void {
  for (const { resourceType, code } of searchedParameters(query)) {
    const mask = masks.hidingParameter(resourceType, code, requester);
    if (mask) throw errors.forbidden(`Role ${requester.role} may not search ${resourceType} by ${code}: its values are masked (${mask})`);
  }
}
