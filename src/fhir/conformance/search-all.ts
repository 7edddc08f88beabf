import type { Resource } from '@medplum/fhirtypes';
import type { ResourceReader, SearchQuery } from '../../store/repository';

const PAGE = 1000;

/**
 * Every current resource a search matches, page after page (the store's cursors): for the few
 * definitions the server loads whole (stored search parameters, profiles, its profiles/ copies).
 */
export async function searchAll<T extends Resource>(reader: ResourceReader, query: Pick<SearchQuery, 'resourceType' | 'filters'> & Partial<SearchQuery>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.search({ sort: [], count: PAGE, offset: 0, total: 'none', ...query, cursor });
    all.push(...(page.resources as T[]));
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
