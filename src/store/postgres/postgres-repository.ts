import type { IndexedParameter, Repository, ResourceWriter } from '../repository';
import { WriteConflictError } from '../repository';
import { bulkCreate } from './bulk-create';
import { isRetryable, type Db } from './driver/db';
import { GroupCommit } from './group-commit';
import { ExistsCoalescer } from './exists-coalescer';
import { ReadCoalescer } from './read-coalescer';
import { reader } from './reader';
import { PostgresSearchIndex } from './search-index';
import { VersionConflictError } from './version-writer';
import { WriteSession } from './write-session';

export interface PostgresRepositoryOptions {
  /** The parameters to index until searchIndex.configure() names others; all taken as complete. */
  parameters: readonly IndexedParameter[];
  baseUrl: string;
}

const MAX_ATTEMPTS = 5;

/** The Repository over PostgreSQL or PGlite: one implementation, one SQL dialect. */
export function createPostgresRepository(db: Db, options: PostgresRepositoryOptions): Repository {
  const searchIndex = new PostgresSearchIndex(db, options.parameters, options.baseUrl);
  const { ctx, indexer } = searchIndex;
  const groupCommit = new GroupCommit(db, indexer);
  const reads = new ReadCoalescer(db);
  const questions = new ExistsCoalescer(db);
  return {
    ...reader(async () => db, ctx, questions),
    searchIndex,
    read: (resourceType, id) => reads.read(resourceType, id),
    async transaction<T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const session = new WriteSession(db, indexer, groupCommit, ctx, questions);
        try {
          const result = await fn(session.writer);
          await session.finish();
          return result;
        } catch (error) {
          await session.abort();
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
    bulkCreate: (resources, bulkOptions) => bulkCreate(db, indexer, resources, bulkOptions),
    async ping() {
      await db.query('SELECT 1');
    },
    close: () => db.close(),
  };
}
