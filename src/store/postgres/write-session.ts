import type { Resource } from '@medplum/fhirtypes';
import type { JournalEntry, ResourceWriter, StoredVersion, WriteMethod } from '../repository';
import type { Db, DbSession, Queryable } from './driver/db';
import type { QueryContext } from './indexing/index-type';
import type { ExistsCoalescer } from './exists-coalescer';
import type { GroupCommit } from './group-commit';
import type { Indexer } from './indexing/indexer';
import { FOR_UPDATE_SQL, reader } from './reader';
import { postgresDeliveryOutbox } from './subscription-deliveries';
import { toVersion, type LocatedVersion, type VersionRow } from './rows';
import { nextVersion, writeVersions, type PendingVersion } from './version-writer';

// The next seq of the stream; two appenders racing without the lock the port asks for collide on the
// primary key and one fails, rather than both taking the same place.
const APPEND_JOURNAL_SQL = `
INSERT INTO journal (stream, seq, content)
SELECT $1, COALESCE(MAX(seq), 0) + 1, $2::jsonb FROM journal WHERE stream = $1
RETURNING seq, recorded, content`;

const JOURNAL_SQL = 'SELECT seq, recorded, content FROM journal WHERE stream = $1 ORDER BY seq';
const JOURNAL_LAST_SQL = 'SELECT seq, recorded, content FROM journal WHERE stream = $1 ORDER BY seq DESC LIMIT 1';

interface JournalRow {
  seq: number;
  recorded: string | Date;
  content: Record<string, unknown>;
}

function toEntry(row: JournalRow): JournalEntry {
  return { seq: Number(row.seq), recorded: new Date(row.recorded).toISOString(), content: row.content };
}

/**
 * One repository transaction. Writes are buffered and go to the database together, in one
 * statement, just before the next read or at the end; a database transaction is opened only once
 * something must be read or locked. A plain create is therefore a single autocommitted statement
 * (shared with concurrent creates through the group commit), and a 1,000-entry transaction Bundle
 * writes all its creates in one round trip.
 */
/** The keys in the order given (sorted by the caller), one advisory lock each. */
const LOCK_ALL_SQL = 'SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n)';

export class WriteSession {
  private session?: DbSession;
  private pending: PendingVersion[] = [];
  readonly writer: ResourceWriter;

  constructor(
    private readonly db: Db,
    private readonly indexer: Indexer,
    private readonly groupCommit: GroupCommit,
    ctx: QueryContext,
    questions?: ExistsCoalescer,
  ) {
    const reads = reader(() => this.connection(), ctx);
    this.writer = {
      ...reads,
      lookup: reader(() => Promise.resolve(this.session ?? this.db), ctx, questions),
      readForUpdate: async (resourceType, id) => {
        const rows = await (await this.connection()).query<VersionRow>(FOR_UPDATE_SQL, [resourceType, id], 'stroma_read_for_update');
        return rows.length > 0 ? toVersion(rows[0]) : undefined;
      },
      write: (resource, method, previous) => this.buffer(resource, method, previous),
      remove: (previous) => this.buffer(undefined, 'DELETE', previous),
      lock: async (key) => {
        await (await this.connection()).query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key], 'stroma_lock');
      },
      lockAll: async (keys) => {
        if (keys.length === 0) return;
        await (await this.connection()).query(LOCK_ALL_SQL, [[...new Set(keys)].sort()], 'stroma_lock_all');
      },
      journal: {
        append: async (stream, content) => {
          const rows = await (await this.connection()).query<JournalRow>(APPEND_JOURNAL_SQL, [stream, JSON.stringify(content)], 'stroma_journal_append');
          return toEntry(rows[0]);
        },
        entries: async (stream) => {
          const rows = await (await this.connection()).query<JournalRow>(JOURNAL_SQL, [stream], 'stroma_journal_entries');
          return rows.map(toEntry);
        },
        last: async (stream) => {
          const rows = await (await this.connection()).query<JournalRow>(JOURNAL_LAST_SQL, [stream], 'stroma_journal_last');
          return rows.length > 0 ? toEntry(rows[0]) : undefined;
        },
      },
      deliveries: postgresDeliveryOutbox(() => this.connection()),
    };
  }

  /** Writes what is buffered and commits. */
  async finish(): Promise<void> {
    if (!this.session) {
      // Nothing was read: the buffered writes are one statement, atomic without BEGIN/COMMIT.
      await this.flush((versions) => this.groupCommit.write(versions));
      return;
    }
    await this.flush(this.inSession(this.session));
    await this.session.commit();
  }

  async abort(): Promise<void> {
    this.pending = [];
    await this.session?.rollback();
  }

  /** An open transaction, with every buffered write applied, so reads see this session's writes. */
  private async connection(): Promise<Queryable> {
    this.session ??= await this.db.begin();
    await this.flush(this.inSession(this.session));
    return this.session;
  }

  private async buffer(resource: Resource | undefined, method: WriteMethod, previous: StoredVersion | undefined): Promise<StoredVersion> {
    const located = previous as LocatedVersion | undefined;
    const type = resource?.resourceType ?? (previous?.resourceType as string);
    const id = resource?.id ?? (previous?.id as string);
    if (this.pending.some((p) => p.resourceType === type && p.id === id) || (located && located.rid === undefined)) {
      // A second write of one resource needs the first one's row: write it out first.
      await this.connection();
    }
    const version = nextVersion(resource, method, located, id, type);
    this.pending.push(version);
    return version;
  }

  private inSession(session: DbSession): (versions: PendingVersion[]) => Promise<number[]> {
    return (versions) => writeVersions(session, this.indexer, versions);
  }

  /** Sends the buffered versions through `write` and records the rids it gives them. */
  private async flush(write: (versions: PendingVersion[]) => Promise<number[]>): Promise<void> {
    if (this.pending.length === 0) return;
    const versions = this.pending;
    this.pending = [];
    const rids = await write(versions);
    versions.forEach((v, i) => (v.rid = rids[i]));
  }
}
