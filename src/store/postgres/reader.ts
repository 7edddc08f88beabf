import type { Resource } from '@medplum/fhirtypes';
import type { HistoryPage, HistoryQuery, ResourceReader, SearchQuery, SearchResult, WriteMethod } from '../repository';
import type { Queryable } from './driver/db';
import { historySql } from './history-sql';
import type { QueryContext } from './indexing/index-type';
import { toVersion, VERSION_COLUMNS, withTypeFirst, type VersionRow } from './rows';
import { buildSearchSql } from './search-sql';

export const READ_SQL = `SELECT ${VERSION_COLUMNS} FROM resource WHERE resource_type = $1 AND id = $2`;
const READ_VERSION_SQL = `SELECT ${VERSION_COLUMNS}, method FROM resource_history WHERE resource_type = $1 AND id = $2 AND version_id = $3`;

/** Reads over whatever connection `db()` gives: the pool, or an open transaction. */
export function reader(db: () => Promise<Queryable>, ctx: QueryContext): ResourceReader {
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
      const { page, pageParams, count, countParams } = buildSearchSql(query, ctx);
      const q = await db();
      const rows = await q.query<{ content: Resource }>(page, pageParams);
      const resources = rows.slice(0, query.count).map((row) => withTypeFirst(row.content));
      const hasMore = rows.length > query.count;
      // A last page that is not past the end tells the total itself: no second statement.
      const lastPage = !hasMore && (rows.length > 0 || query.offset === 0);
      const total =
        query.total !== 'accurate' ? undefined : lastPage ? query.offset + rows.length : (await q.query<{ total: number }>(count, countParams))[0].total;
      return { resources, total, hasMore };
    },
  };
}

export const FOR_UPDATE_SQL = `${READ_SQL} FOR UPDATE`;
