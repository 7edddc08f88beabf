import type { Resource } from '@medplum/fhirtypes';
import type {
  HistoryPage, HistoryQuery, IncludeQuery, Repository, ResourceReader, ResourceWriter, SearchQuery, SearchResult, StoredVersion, WriteMethod,
} from '../store/repository';
import type { AccessControl, AuditEntity } from './access';
import { maskedIdReader } from './masked-ids';
import { errors } from './outcomes';

/** Audit entities kept per request: enough to say what a request touched, bounded for a 10,000-entry Bundle. */
const MAX_ENTITIES = 1000;

/**
 * The store as one requester may use it: every search constrained, every resource handed out
 * filtered (hidden ones read as absent, masked ones masked), every write checked. Handlers, Bundle
 * entries, _include, history and operations all reach the store through this wrapper, so none can
 * forget the requester's rights. What was read and written is noted in `entities` for the audit trail.
 *
 * The validation pipeline sits below it (it wraps the store this wraps): its rule lookups ("is this
 * patient enrolled?") see the store as it is, whoever asks.
 */
export function accessControlledRepository(
  repo: Repository,
  access: AccessControl,
  entities: AuditEntity[],
  /** Told after each transaction commits (a requester without an HTTP request audits it there). */
  onCommit?: () => void,
): Repository {
  const note: Note = (entity) => {
    if (entities.length < MAX_ENTITIES) entities.push(entity);
  };
  const reader = idsAsSeen(controlledReader(repo, access, note), access);
  const transaction = async <T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> => {
    const result = await repo.transaction((tx) => fn(controlledWriter(tx, access, note)));
    onCommit?.();
    return result;
  };
  const bulkCreate: Repository['bulkCreate'] = () => {
    throw errors.forbidden('Bulk loading is not available through the API');
  };
  const controlled = Object.assign(Object.create(repo) as Repository, reader, { transaction, bulkCreate });
  serverReaders.set(controlled, repo);
  return controlled;
}

/** The store beneath each requester's store, for serverReaderOf. */
const serverReaders = new WeakMap<ResourceReader, ResourceReader>();

/**
 * The store as the server itself reads it, for an operation that computes over data the requester may
 * not read resource by resource (a summary tabulates the search index): nothing is filtered or masked,
 * so the operation answers for what its result shows. Inside a transaction Bundle, the transaction as the
 * server reads it (serverWriterOf). A reader that is not a requester's is its own.
 */
export function serverReaderOf(repo: ResourceReader): ResourceReader {
  return serverReaders.get(repo) ?? serverWriters.get(repo as ResourceWriter) ?? repo;
}

type Note = (entity: AuditEntity) => void;

const entityOf = (version: StoredVersion, action: AuditEntity['action']): AuditEntity =>
  ({ resourceType: version.resourceType, id: version.id, versionId: String(version.versionId), action });

function controlledReader(inner: ResourceReader, access: AccessControl, note: Note): ResourceReader {
  const visible = (version: StoredVersion | undefined): StoredVersion | undefined => {
    if (!version?.resource) return version; // absent, or a tombstone: nothing to show or hide
    const resource = access.filterRead(version.resource);
    if (!resource) return undefined;
    note(entityOf(version, 'read'));
    return resource === version.resource ? version : { ...version, resource };
  };
  const visibleResources = (resources: Resource[]): Resource[] => {
    const shown: Resource[] = [];
    for (const resource of resources) {
      const filtered = access.filterRead(resource);
      if (!filtered) continue;
      note({ resourceType: resource.resourceType, id: resource.id ?? '', versionId: resource.meta?.versionId, action: 'read' });
      shown.push(filtered);
    }
    return shown;
  };
  return {
    read: async (resourceType: string, id: string) => visible(await inner.read(resourceType, id)),
    readVersion: async (resourceType: string, id: string, versionId: number) => visible(await inner.readVersion(resourceType, id, versionId)),
    history: async (query: HistoryQuery): Promise<HistoryPage> => {
      const page = await inner.history(query);
      const versions = page.versions.flatMap((v) => {
        const shown = visible(v);
        return shown ? [{ ...v, ...shown }] : [];
      });
      return { ...page, versions };
    },
    search: async (query: SearchQuery): Promise<SearchResult> => {
      const result = await inner.search(access.constrainSearch(query));
      return { ...result, resources: visibleResources(result.resources) };
    },
    exists: (query: SearchQuery) => inner.exists(access.constrainSearch(query)),
    include: async (query: IncludeQuery) => visibleResources(await inner.include(query)),
    // Index values are not resources, so no read mask could be applied to them: only the server's own
    // code tabulates (through serverReaderOf), and it answers for what it shows.
    tabulate: async () => {
      throw errors.forbidden('Tabulations are not available through the API');
    },
  };
}

function controlledWriter(tx: ResourceWriter, access: AccessControl, note: Note): ResourceWriter {
  const reader = idsAsSeen(controlledReader(tx, access, note), access);
  const readForUpdate = async (resourceType: string, id: string) => visibleForUpdate(await tx.readForUpdate(resourceType, id), access);
  const write = async (resource: Resource, method: WriteMethod, previous?: StoredVersion) => {
    refuseMaskedIdWrite(access, resource.resourceType);
    const allowed = access.checkWrite(resource, method, previous);
    const written = await tx.write(allowed, method, previous);
    if (written.resource) access.checkWritten(written.resource, resource);
    note(entityOf(written, 'write'));
    return written;
  };
  const remove = async (previous: StoredVersion) => {
    refuseMaskedIdWrite(access, previous.resourceType);
    access.checkWrite(previous.resource ?? ({ resourceType: previous.resourceType, id: previous.id } as Resource), 'DELETE', previous);
    const removed = await tx.remove(previous);
    note(entityOf(removed, 'delete'));
    return removed;
  };
  const controlled = Object.assign(Object.create(tx) as ResourceWriter, reader, { readForUpdate, write, remove });
  serverWriters.set(controlled, auditedWriter(tx, note));
  return controlled;
}

/** The reader with the ids the requester sees (pseudonyms) translated, when a read mask replaces them. */
function idsAsSeen(reader: ResourceReader, access: AccessControl): ResourceReader {
  return access.ids ? maskedIdReader(reader, access.ids) : reader;
}

/**
 * A requester that sees other ids than the stored ones cannot write: what it sends names ids it does not
 * know. Its Subscriptions are the exception: a Subscription names resources only in its criteria, and
 * the write checks hold those to a search that names no masked id.
 */
const WRITABLE_WITH_MASKED_IDS: ReadonlySet<string> = new Set(['Subscription']);

function refuseMaskedIdWrite(access: AccessControl, resourceType: string): void {
  if (access.ids && !WRITABLE_WITH_MASKED_IDS.has(resourceType)) throw errors.forbidden(`Role ${access.requester.role} sees de-identified data (pseudonymous ids) and may not write`);
}

/** The writer beneath each requester's writer, for serverWriterOf. */
const serverWriters = new WeakMap<ResourceWriter, ResourceWriter>();

function auditedWriter(tx: ResourceWriter, note: Note): ResourceWriter {
  const write = async (resource: Resource, method: WriteMethod, previous?: StoredVersion) => {
    const written = await tx.write(resource, method, previous);
    note(entityOf(written, 'write'));
    return written;
  };
  return Object.assign(Object.create(tx) as ResourceWriter, { write });
}

/**
 * The same transaction as the server itself writes in, for an operation's own act on the store (the
 * allocation $randomize draws): the requester's rights do not filter what it reads nor mask what it
 * writes, while validation and the business rules still judge every write, and the audit trail still
 * records it. The operation's own rule decided that the requester may ask for the act; whatever it
 * hands back must go through `access.filterRead`. A writer that is not a requester's is its own.
 */
export function serverWriterOf(tx: ResourceWriter): ResourceWriter {
  return serverWriters.get(tx) ?? tx;
}

/** The current version a write replaces, as the requester sees it (hidden: as if absent). */
function visibleForUpdate(version: StoredVersion | undefined, access: AccessControl): StoredVersion | undefined {
  if (!version?.resource) return version;
  const resource = access.filterRead(version.resource);
  // The write replaces the stored content, not the masked view: keep the stored version when visible.
  return resource ? version : undefined;
}
