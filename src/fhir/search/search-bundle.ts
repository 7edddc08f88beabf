import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../../store/repository';
import type { ParsedSearch } from './parse-search';

/**
 * The searchset Bundle for one page: the matches, then what _include and _revinclude added, then
 * the outcome, if any. Its self link repeats the applied query; next and previous links carry the
 * store's cursor for the page either side, so following them never skips or repeats a resource
 * while others write (R4 leaves the link form to the server, as HAPI's `_getpages` links are).
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
  const url = (page: PageParams) => pageUrl(path, parsed.applied, query.count, page);
  const link: BundleLink[] = [{ relation: 'self', url: url({ offset: query.offset, cursor: query.cursor }) }];
  if (parsed.summary !== 'count') {
    if (result.nextCursor) {
      link.push({ relation: 'next', url: url({ cursor: result.nextCursor }) });
    }
    if (result.previousCursor) {
      link.push({ relation: 'previous', url: url({ cursor: result.previousCursor }) });
    } else if (query.offset > 0 && query.cursor === undefined) {
      link.push({ relation: 'previous', url: url({ offset: Math.max(0, query.offset - query.count) }) });
    }
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
    // FHIR JSON has no empty arrays: a search that finds nothing has no entry (as HAPI answers).
    ...(entry.length > 0 && { entry }),
  };
}

interface PageParams {
  offset?: number;
  cursor?: string;
}

function pageUrl(path: string, applied: [string, string][], count: number, page: PageParams): string {
  const params = new URLSearchParams(applied);
  params.set('_count', String(count));
  if (page.offset) {
    params.set('_offset', String(page.offset));
  }
  if (page.cursor !== undefined) {
    params.set('_cursor', page.cursor);
  }
  return `${path}?${params.toString()}`;
}
