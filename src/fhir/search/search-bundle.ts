import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../../store/repository';
import type { ParsedSearch } from './parse-search';

/**
 * The searchset Bundle for one page, with self, next and previous links that repeat the applied
 * query: the matches, then what _include and _revinclude added, then the outcome, if any.
 */
export function searchBundle(
  baseUrl: string,
  parsed: ParsedSearch,
  result: SearchResult,
  shape: (resource: Resource) => Resource,
  ignoredOutcome?: OperationOutcome,
  included: readonly Resource[] = [],
): Bundle {
  const { query } = parsed;
  // A system-level search (types set) is at the base itself: [base]?_type=...
  const path = query.types ? baseUrl : `${baseUrl}/${query.resourceType}`;
  const url = (offset: number) => pageUrl(path, parsed.applied, query.count, offset);
  const link: BundleLink[] = [{ relation: 'self', url: url(query.offset) }];
  if (result.hasMore) {
    link.push({ relation: 'next', url: url(query.offset + query.count) });
  }
  if (query.offset > 0) {
    link.push({ relation: 'previous', url: url(Math.max(0, query.offset - query.count)) });
  }
  const entryOf = (resource: Resource, mode: 'match' | 'include'): BundleEntry => ({
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
    resource: shape(resource),
    search: { mode },
  });
  const entry = [...result.resources.map((r) => entryOf(r, 'match')), ...included.map((r) => entryOf(r, 'include'))];
  if (ignoredOutcome) {
    entry.push({ resource: ignoredOutcome, search: { mode: 'outcome' } });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link,
    entry,
  };
}

function pageUrl(path: string, applied: [string, string][], count: number, offset: number): string {
  const params = new URLSearchParams(applied);
  params.set('_count', String(count));
  if (offset > 0) {
    params.set('_offset', String(offset));
  }
  return `${path}?${params.toString()}`;
}
