import type { Bundle, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../../store/repository';
import type { ParsedSearch } from './parsed-search';

/** The searchset Bundle for one page, with self, next and previous links that repeat the applied query. */
export function searchBundle(
  baseUrl: string,
  parsed: ParsedSearch,
  result: SearchResult,
  shape: (resource: Resource) => Resource,
  ignoredOutcome?: OperationOutcome,
): Bundle {
  const { query } = parsed;
  const url = (offset: number) => pageUrl(baseUrl, query.resourceType, parsed.applied, query.count, offset);
  const link: BundleLink[] = [{ relation: 'self', url: url(query.offset) }];
  if (result.hasMore) {
    link.push({ relation: 'next', url: url(query.offset + query.count) });
  }
  if (query.offset > 0) {
    link.push({ relation: 'previous', url: url(Math.max(0, query.offset - query.count)) });
  }
  const entry: Bundle['entry'] = result.resources.map((resource) => ({
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
    resource: shape(resource),
    search: { mode: 'match' },
  }));
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

function pageUrl(baseUrl: string, type: string, applied: [string, string][], count: number, offset: number): string {
  const params = new URLSearchParams(applied);
  params.set('_count', String(count));
  if (offset > 0) {
    params.set('_offset', String(offset));
  }
  return `${baseUrl}/${type}?${params.toString()}`;
}
