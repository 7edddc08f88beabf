import type { Resource } from '@medplum/fhirtypes';
import type { HistoryPage, HistoryQuery, IncludeQuery, ResourceReader, SearchQuery, SearchResult, WriteMethod } from '../repository';
import type { Queryable } from './driver/db';
import { historySql } from './history-sql';
import { buildIncludeSql } from './include-sql';
import type { QueryContext } from './indexing/index-type';
import { toVersion, VERSION_COLUMNS, withTypeFirst, type VersionRow } from './rows';
import { askOne, type ExistsCoalescer } from './exists-coalescer';
import { searchPage } from './search-page';
import { buildSearchSql } from './search-sql';
import { tabulate } from './tabulate-sql';

export const READ_SQL = `SELECT ${VERSION_COLUMNS} FROM resource WHERE resource_type = $1 AND id = $2`;
const READ_VERSION_SQL = `SELECT ${VERSION_COLUMNS}, method FROM resource_history WHERE resource_type = $1 AND id = $2 AND version_id = $3`;

/**
 * Reads over whatever connection `db()` gives: the pool, or an open transaction. EXISTS questions
 * that go to the pool share statements through `coalescer`, when given.
 */
export function reader(db: () => Promise<Queryable>, ctx: QueryContext, coalescer?: ExistsCoalescer): ResourceReader {
  return {
    async read(resourceType, id) {
      const rows = await (await db()).query<VersionRow>(READ_SQL, [resourceType, id], 'stroma_read');
      return rows.length > 0 ? toVersion(rows[0]) : undefined;
    },
    async readVersion(resourceType, id, versionId) {
      const rows = await (await db()).query<VersionRow>(READ_VERSION_SQL, [resourceType, id, versionId], 'stroma_read_version');
      return rows.length > 0 ? toVersion(rows[0]) : undefined;
    },
    async history(query: HistoryQuery): Promise<HistoryPage> {
      const { sql, params } = historySql(query);
      const rows = await (await db()).query<VersionRow & { seq: number; method: WriteMethod }>(sql, params);
      const versions = rows.slice(0, query.count).map((row) => ({ ...toVersion(row), method: row.method, position: row.seq }));
      return { versions, hasMore: rows.length > query.count };
    },
    async search(query: SearchQuery): Promise<SearchResult> {
      return searchPage(await db(), query, ctx);
    },
    async exists(query: SearchQuery): Promise<boolean> {
      const { matches, matchParams } = buildSearchSql(query, ctx);
      const connection = await db();
      return coalescer?.db === connection ? coalescer.exists(matches, matchParams) : askOne(connection, matches, matchParams);
    },
    async include(query: IncludeQuery): Promise<Resource[]> {
      if (query.from.length === 0 || query.requests.length === 0 || query.limit <= 0) {
        return [];
      }
      const { sql, params } = buildIncludeSql(query, ctx);
      const rows = await (await db()).query<{ content: Resource }>(sql, params);
      return rows.map((row) => withTypeFirst(row.content));
    },
    async tabulate(query) {
      return tabulate(await db(), query, ctx);
    },
  };
}

export const FOR_UPDATE_SQL = `${READ_SQL} FOR UPDATE`;
