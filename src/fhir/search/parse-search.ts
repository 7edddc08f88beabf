import type { IndexedParameter, QueryFilter, SearchFilter } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { RESOURCE_LEVEL } from '../conformance/search-parameter-registry';
import { errors } from '../outcomes';
import { withAlsoVia } from './also-via-filter';
import { linkedFilter } from './chain';
import { yieldsIdentifiers } from './identifier-params';
import { isIncludeParam, parseInclude, type IncludeSpec } from './include-params';
import { applyResultParam, DEFAULT_COUNT, RESULT_PARAMS } from './result-params';
import type { ParsedSearch } from './parsed-search';
import { compositeValues, splitValues, withPrefix } from './search-values';

// Where callers have always found them; ParsedSearch lives in parsed-search.ts so result-params.ts needs no cycle.
export type { ParsedSearch } from './parsed-search';
export { splitValues } from './search-values';

/** What one search parameter means: a filter, an include, or the reason it cannot be applied. */
export type ParamResolver = (type: string, rawName: string, value: string, registries: FhirRegistries) => QueryFilter | IncludeSpec | string;

/** Turns search parameters into a typed query; unknown ones are refused (strict) or reported (lenient). */
export function parseSearch(
  resourceType: string,
  params: readonly [string, string][],
  registries: FhirRegistries,
  strict: boolean,
  resolve: ParamResolver = understand,
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
    const understood = resolve(resourceType, rawName, value, registries);
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

/** The parameters of a search on one type: plain, chained, _has, _include and _revinclude. */
function understand(type: string, rawName: string, value: string, registries: FhirRegistries): QueryFilter | IncludeSpec | string {
  if (isIncludeParam(rawName)) {
    return parseInclude(rawName, value, registries);
  }
  return linkedFilter(type, rawName, value, registries, toFilterWithAlsoVia);
}

/** A plain parameter, or a chain's last one, with the chains its definition says it also matches through. */
export const toFilterWithAlsoVia = withAlsoVia(toFilter);

/** A filter, or the reason the parameter cannot be applied. */
export function toFilter(type: string, rawName: string, value: string, registries: FhirRegistries): SearchFilter | string {
  const [code, modifier] = rawName.split(':', 2);
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
    const typeModifier = registries.resourceTypes.has(modifier) && (!param.targets || param.targets.includes(modifier as never));
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
