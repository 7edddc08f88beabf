import type { QueryFilter } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { errors } from '../outcomes';
import { isLinked } from './chain';
import { alsoViaFilters } from './also-via-filter';
import { parseSearch, splitValues, toFilter, type ParsedSearch } from './parse-search';

/**
 * A system-level search, `GET [base]?_type=Patient,Observation&...` (all types without _type).
 * With a single _type it is that type's search, every parameter of it allowed. Over several types,
 * a parameter must exist, with the same type, on every one of them: the parameters of all
 * resources (_id, _lastUpdated, _tag, _profile, _security, _source) or ones the listed types
 * share, as HAPI FHIR allows. Chains and _has need one type; _sort only _id and _lastUpdated.
 */
export function parseSystemSearch(params: readonly [string, string][], registries: FhirRegistries, strict: boolean): ParsedSearch {
  const named = params.filter(([name]) => name === '_type').flatMap(([, value]) => splitValues(value).map((t) => t.trim()));
  const rest = params.filter(([name]) => name !== '_type');
  for (const type of named) {
    if (!registries.resourceTypes.has(type)) {
      throw errors.invalid(`_type names an unknown resource type "${type}"`, '_type');
    }
  }
  // Without _type: every type in the resource tables (a type with a store of its own, such as the audit log, is searched by itself).
  const types = named.length > 0 ? [...new Set(named)] : [...registries.resourceTypes].filter((t) => !registries.searchParameters.isRestricted(t)).sort();
  const parsed =
    types.length === 1
      ? parseSearch(types[0], rest, registries, strict)
      : parseSearch(types[0], rest, registries, strict, (_type, rawName, value) => commonParam(types, rawName, value, registries));
  parsed.query.types = types;
  if (named.length > 0) {
    parsed.applied.unshift(['_type', types.join(',')]);
  }
  if (types.length > 1 && parsed.query.sort.some((rule) => typeof rule.param !== 'string')) {
    throw errors.invalid('A search over several types sorts by _id or _lastUpdated only', '_sort');
  }
  return parsed;
}

/** A parameter every one of the types has with the same meaning, as one filter over all of them. */
function commonParam(types: string[], rawName: string, value: string, registries: FhirRegistries): QueryFilter | string {
  if (isLinked(rawName)) {
    return `"${rawName}": chained parameters and _has need a single resource type (_type)`;
  }
  const filter = toFilter(types[0], rawName, value, registries);
  if (typeof filter === 'string' || typeof filter.param === 'string') {
    return filter;
  }
  const { code, type } = filter.param;
  const viaChains: QueryFilter[] = [];
  for (const other of types) {
    const param = registries.searchParameters.get(other, code);
    if (!param || param.type !== type) {
      return `Search parameter "${code}" is not shared by all the types searched (not on ${other})`;
    }
    // The type's own modifiers and values are checked as its own search would check them.
    const own = other === types[0] ? filter : toFilter(other, rawName, value, registries);
    if (typeof own === 'string') {
      return own;
    }
    // Each chain of a type's also-via starts at a reference parameter of that type, so it matches that type alone.
    const via = alsoViaFilters(other, own, rawName, value, registries, toFilter);
    if (typeof via === 'string') {
      return via;
    }
    viaChains.push(...via);
  }
  const shared = { ...filter, resourceTypes: types };
  return viaChains.length === 0 ? shared : { kind: 'any', filters: [shared, ...viaChains] };
}
