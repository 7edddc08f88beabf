import type { IndexedParameter, QueryFilter, SearchFilter } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { RESOURCE_LEVEL } from '../conformance/search-parameter-registry';
import { errors } from '../outcomes';
import { withAlsoVia } from './also-via-filter';
import { canTarget, linkedFilter, type PlainFilter } from './chain';
import { yieldsIdentifiers } from './identifier-params';
import { isIncludeParam, parseInclude } from './include-params';
import { applyResultParam, DEFAULT_COUNT, RESULT_PARAMS } from './result-params';
import type { ParsedSearch } from './parsed-search';
import { compositeValues, splitValues, withPrefix } from './search-values';

// Where callers have always found them; ParsedSearch lives in parsed-search.ts so result-params.ts needs no cycle.
export type { ParsedSearch } from './parsed-search';
export { splitValues } from './search-values';

/** Turns search parameters into a typed query; unknown ones are refused (strict) or reported (lenient). */
export function parseSearch(
  resourceType: string,
  params: readonly [string, string][],
  registries: FhirRegistries,
  strict: boolean,
  resolve: PlainFilter<FhirRegistries> = understand,
): ParsedSearch {
  const parsed: ParsedSearch = {
    query: { resourceType, filters: [], sort: [], count: DEFAULT_COUNT, offset: 0, total: 'accurate' },
    applied: [],
    ignored: [],
    includes: [],
  };
  for (const [rawName, value] of params) {
    if (RESULT_PARAMS.has(rawName)) {
      applyResultParam(parsed, rawName, value, registries);
      continue;
    }
    const understood = isIncludeParam(rawName) ? parseInclude(rawName, value, registries) : resolve(resourceType, rawName, value, registries);
    if (typeof understood === 'string') {
      if (strict) {
        throw errors.invalid(understood);
      }
      parsed.ignored.push(understood);
      continue;
    }
    if ('reverse' in understood) {
      parsed.includes.push(understood);
    } else {
      parsed.query.filters.push(understood);
    }
    parsed.applied.push([rawName, value]);
  }
  return parsed;
}

/** The filter parameters of a search on one type: plain, chained and _has. */
function understand(type: string, rawName: string, value: string, registries: FhirRegistries): QueryFilter | string {
  return linkedFilter(type, rawName, value, registries, toFilterWithAlsoVia);
}

/** A plain parameter, or a chain's last one, with the chains its definition says it also matches through. */
export const toFilterWithAlsoVia = withAlsoVia(toFilter);

/**
 * A filter the server's own code builds (an export's snapshot window, a study's subjects): one it cannot
 * apply is a programming error, not a client's, so it throws a plain Error.
 */
export function serverFilter(type: string, rawName: string, value: string, registries: FhirRegistries): SearchFilter {
  const filter = toFilter(type, rawName, value, registries);
  if (typeof filter === 'string') throw new Error(filter);
  return filter;
}

/** A filter, or the reason the parameter cannot be applied. */
export function toFilter(type: string, rawName: string, value: string, registries: FhirRegistries): SearchFilter | string {
  const [code, modifier, ...extra] = rawName.split(':');
  if (extra.length > 0) {
    return `Modifier ":${[modifier, ...extra].join(':')}" is not supported on parameter "${code}": a parameter takes one modifier`;
  }
  const param = registries.searchParameters.get(type, code);
  if (!param) {
    return `Unknown search parameter "${rawName}" for ${type}`;
  }
  if (modifier !== undefined && !modifierAllowed(param, modifier, registries)) {
    return `Modifier ":${modifier}" is not supported on parameter "${code}"`;
  }
  if (modifier === 'missing' && value !== 'true' && value !== 'false') {
    throw errors.invalid(`:missing takes true or false, not "${value}"`);
  }
  const values =
    param.type === 'composite' && modifier !== 'missing'
      ? compositeValues(param, value)
      : splitValues(value).map((v) => withPrefix(param, v));
  if (values.length === 0 || values.some((v) => v.value === '')) {
    throw errors.invalid(`Search parameter "${rawName}" has an empty value`);
  }
  const target: SearchFilter['param'] = RESOURCE_LEVEL.has(code) ? (code as '_id' | '_lastUpdated') : param;
  return { param: target, modifier, values };
}

function modifierAllowed(param: IndexedParameter, modifier: string, registries: FhirRegistries): boolean {
  if (modifier === 'missing') {
    return true;
  }
  if (param.code === '_id') {
    return modifier === 'not';
  }
  if (param.type === 'reference') {
    const typeModifier = registries.resourceTypes.has(modifier) && canTarget(param, modifier);
    return typeModifier || modifier === 'identifier';
  }
  if (modifier === 'of-type') {
    return yieldsIdentifiers(param, registries);
  }
  // Not offered, so refused rather than answered wrongly: token :above, :below, :in, :not-in
  // (they need a terminology server), reference :above/:below, and any modifier on a composite.
  const allowed: Record<string, string[]> = { token: ['not', 'text'], string: ['exact', 'contains'], uri: ['above', 'below'] };
  return allowed[param.type]?.includes(modifier) ?? false;
}
