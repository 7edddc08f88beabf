import type { Bundle, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../../store/repository';
import type { ParsedSearch } from './parsed-search';

/**
 * The searchset Bundle for one page. Its self link repeats the applied query; next and previous
 * links carry the store's cursor for the page either side, so following them never skips or
 * repeats a resource while others write (R4 leaves the link form to the server, as HAPI's
 * `_getpages` links are).
 */
export function searchBundle(
  baseUrl: string,
  parsed: ParsedSearch,
  result: SearchResult,
  shape: (resource: Resource) => Resource,
  ignoredOutcome?: OperationOutcome,
): Bundle {
  const { query } = parsed;
  const url = (page: PageParams) => pageUrl(`${baseUrl}/${query.resourceType}`, parsed.applied, query.count, page);
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

interface PageParams {
  offset?: number;
  cursor?: string;
}

function pageUrl(base: string, applied: [string, string][], count: number, page: PageParams): string {
  const params = new URLSearchParams(applied);
  params.set('_count', String(count));
  if (page.offset) {
    params.set('_offset', String(page.offset));
  }
  if (page.cursor !== undefined) {
    params.set('_cursor', page.cursor);
  }
  return `${base}?${params.toString()}`;
}
