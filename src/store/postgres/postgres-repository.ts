import type { Resource } from '@medplum/fhirtypes';
import type {
  HistoryPage, HistoryQuery, IndexedParameter, Repository, ResourceReader, ResourceWriter, SearchQuery,
  SearchResult, StoredVersion,
} from '../repository';
import { WriteConflictError } from '../repository';
import { isRetryable, type Db, type Queryable } from './driver/db';
import { historySql } from './history-sql';
import type { QueryContext } from './indexing/index-type';
import { Indexer } from './indexing/indexer';
import { toVersion, VERSION_COLUMNS, withTypeFirst, type LocatedVersion, type VersionRow } from './rows';
import { buildSearchSql } from './search-sql';
import { VersionConflictError, writeTombstone, writeVersion } from './version-writer';

export interface PostgresRepositoryOptions {
  parameters: readonly IndexedParameter[];
  baseUrl: string;
}

const MAX_ATTEMPTS = 5;

/** The Repository over PostgreSQL or PGlite: one implementation, one SQL dialect. */
export function createPostgresRepository(db: Db, options: PostgresRepositoryOptions): Repository {
  const ctx: QueryContext = { baseUrl: options.baseUrl };
  const indexer = new Indexer(options.parameters, ctx);
  return {
    ...reader(db, ctx),
    async transaction<T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction((q) => fn(writer(q, indexer, ctx)));
        } catch (error) {
          const conflict = isRetryable(error) || error instanceof VersionConflictError;
          if (!conflict) {
            throw error;
          }
          if (attempt >= MAX_ATTEMPTS) {
            throw new WriteConflictError('The resource was changed by a concurrent request; try again');
          }
        }
      }
    },
    async ping() {
      await db.query('SELECT 1');
    },
    close: () => db.close(),
  };
}

function reader(db: Queryable, ctx: QueryContext): ResourceReader {
  return {
    async read(resourceType, id) {
      const rows = await db.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM resource WHERE resource_type = $1 AND id = $2`,
        [resourceType, id],
      );
      return rows.length > 0 ? toVersion(rows[0]) : undefined;
    },
    async readVersion(resourceType, id, versionId) {
      const rows = await db.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS}, method FROM resource_history WHERE resource_type = $1 AND id = $2 AND version_id = $3`,
        [resourceType, id, versionId],
      );
      return rows.length > 0 ? toVersion(rows[0]) : undefined;
    },
    async history(query: HistoryQuery): Promise<HistoryPage> {
      const { sql, params } = historySql(query);
      const rows = await db.query<VersionRow & { seq: number }>(sql, params);
      const versions = rows.slice(0, query.count).map((row) => ({ ...toVersion(row), position: row.seq }));
      return { versions, hasMore: rows.length > query.count };
    },
    async search(query: SearchQuery): Promise<SearchResult> {
      const { page, pageParams, count, countParams } = buildSearchSql(query, ctx);
      const rows = await db.query<{ content: Resource }>(page, pageParams);
      const resources = rows.slice(0, query.count).map((row) => withTypeFirst(row.content));
      let total: number | undefined;
      if (query.total === 'accurate') {
        total = (await db.query<{ total: number }>(count, countParams))[0].total;
      }
      return { resources, total, hasMore: rows.length > query.count };
    },
  };
}

function writer(q: Queryable, indexer: Indexer, ctx: QueryContext): ResourceWriter {
  return {
    ...reader(q, ctx),
    async readForUpdate(resourceType, id) {
      const rows = await q.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM resource WHERE resource_type = $1 AND id = $2 FOR UPDATE`,
        [resourceType, id],
      );
      return rows.length > 0 ? toVersion(rows[0]) : undefined;
    },
    write: (resource, method, previous) => writeVersion(q, indexer, resource, method, previous as LocatedVersion | undefined),
    remove: (previous: StoredVersion) => writeTombstone(q, previous as LocatedVersion),
    async lock(key) {
      await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    },
  };
}
