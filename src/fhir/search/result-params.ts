import type { SortRule } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { RESOURCE_LEVEL } from '../conformance/search-parameter-registry';
import { errors } from '../outcomes';
import type { ParsedSearch } from './parsed-search';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;

/** Result parameters: they shape the answer rather than select resources. */
export const RESULT_PARAMS = new Set(['_count', '_offset', '_sort', '_total', '_summary', '_elements', '_format', '_pretty']);

/** Applies one result parameter to the parsed search, recording it as applied. */
export function applyResultParam(parsed: ParsedSearch, name: string, value: string, registries: FhirRegistries): void {
  const query = parsed.query;
  switch (name) {
    case '_count':
      query.count = Math.min(nonNegativeInteger(name, value), MAX_COUNT);
      return;
    case '_offset':
      query.offset = nonNegativeInteger(name, value);
      return;
    case '_total':
      if (!['none', 'estimate', 'accurate'].includes(value)) {
        throw errors.invalid(`_total must be none, estimate or accurate, not "${value}"`);
      }
      query.total = value === 'none' ? 'none' : 'accurate';
      break;
    case '_sort':
      query.sort = value.split(',').map((key) => sortRule(query.resourceType, key.trim(), registries));
      break;
    case '_summary':
      if (!['true', 'false', 'text', 'data', 'count'].includes(value)) {
        throw errors.invalid(`_summary must be true, false, text, data or count, not "${value}"`);
      }
      parsed.summary = value;
      break;
    case '_elements':
      parsed.elements = value.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
      break;
    default:
      return;
  }
  parsed.applied.push([name, value]);
}

function sortRule(type: string, key: string, registries: FhirRegistries): SortRule {
  const descending = key.startsWith('-');
  const code = descending ? key.slice(1) : key;
  const param = registries.searchParameters.get(type, code);
  if (!param) {
    throw errors.invalid(`Cannot sort ${type} by unknown parameter "${code}"`, '_sort');
  }
  return { param: RESOURCE_LEVEL.has(code) ? (code as '_id' | '_lastUpdated') : param, descending };
}

export function nonNegativeInteger(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw errors.invalid(`${name} must be a non-negative integer, not "${value}"`, name);
  }
  return n;
}
