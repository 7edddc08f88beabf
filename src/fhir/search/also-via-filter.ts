import type { QueryFilter, SearchFilter } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { linkedFilter, type PlainFilter } from './chain';

/**
 * `plain`, extended to parameters whose definition names chains it also matches through (the
 * also-via extension, see conformance/also-via.ts): `p=X` becomes any of the parameter's own filter
 * for X and each chain's filter for X, so one parameter finds both the resources whose own element
 * holds X and those linked to one that does.
 *
 * Modifiers:
 * - `:missing` is about the parameter's own element only (`p:missing=true` finds the resources
 *   without the element, whatever their chains lead to): whether a chain leads somewhere is
 *   another question, which the chain itself asks (`[chain]:missing=...`).
 * - `:not` is refused: "not X" must hold on every route at once, which an OR of the routes cannot
 *   express (each route's `:not` would match a resource that is X by another route).
 * - Any other modifier (`:[type]`, `:identifier`, `:exact`, ...) applies to each route: it is added to
 *   the chain's last parameter, and if that parameter does not take it, the search says so.
 *
 * The chains' own last parameters are resolved with `plain` alone, without their also-via chains,
 * so chains never compose and no set of definitions can make a search loop.
 */
export function withAlsoVia(plain: PlainFilter<FhirRegistries>): PlainFilter<FhirRegistries> {
  return (type, rawName, value, registries) => {
    const own = plain(type, rawName, value, registries);
    if (typeof own === 'string' || 'kind' in own) {
      return own;
    }
    const via = alsoViaFilters(type, own, rawName, value, registries, plain);
    if (typeof via === 'string') {
      return via;
    }
    return via.length === 0 ? own : { kind: 'any', filters: [own, ...via] };
  };
}

/**
 * The filters of the chains `own`'s parameter (on `type`) also matches through, none when it has
 * none or the filter is `:missing`; or the reason they cannot be applied.
 */
export function alsoViaFilters(
  type: string,
  own: SearchFilter,
  rawName: string,
  value: string,
  registries: FhirRegistries,
  plain: PlainFilter<FhirRegistries>,
): QueryFilter[] | string {
  const chains = typeof own.param === 'string' || own.modifier === 'missing' ? [] : registries.searchParameters.alsoVia(own.param);
  if (chains.length > 0 && own.modifier === 'not') {
    return `Modifier ":not" is not supported on parameter "${(own.param as { code: string }).code}", which also matches through ${chains.join(', ')}`;
  }
  const filters: QueryFilter[] = [];
  for (const chain of chains) {
    const via = linkedFilter(type, own.modifier === undefined ? chain : `${chain}:${own.modifier}`, value, registries, plain);
    if (typeof via === 'string') {
      return `Parameter "${rawName}" of ${type} also matches through "${chain}", which cannot be applied: ${via}`;
    }
    filters.push(via);
  }
  return filters;
}
