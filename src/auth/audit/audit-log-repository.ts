import type { AuditEvent } from '@medplum/fhirtypes';
import type { AuditLog, AuditLogQuery } from '../../store/audit-log';
import {
  InvalidSearchError, type HistoryPage, type HistoryQuery, type Repository, type ResourceReader, type ResourceWriter, type SearchQuery, type SearchResult,
  type StoredVersion,
} from '../../store/repository';
import { recordedBounds } from './recorded-bounds';

const AUDIT_EVENT = 'AuditEvent';

/** The AuditEvent search parameters the audit log answers, and the condition each one sets. */
const SEARCHABLE: Record<string, keyof Omit<AuditLogQuery, 'recorded' | 'newestFirst' | 'count' | 'cursor' | 'total'>> = {
  _id: 'ids',
  altid: 'clients',
  entity: 'entities',
  patient: 'entities',
  subtype: 'subtypes',
  outcome: 'outcomes',
  action: 'actions',
  address: 'addresses',
};

/** The AuditEvent search parameters there are: register them with SearchParameterRegistry.restrict. */
export const AUDIT_SEARCH_PARAMETERS: ReadonlySet<string> = new Set(['date', ...Object.keys(SEARCHABLE).filter((c) => !c.startsWith('_'))]);

/**
 * The store with AuditEvents read from the audit log (src/store/audit-log.ts) rather than the
 * resource tables: read, vread (version 1: an event never changes), instance history and search by
 * the parameters admins need (`date`, `_lastUpdated`, `altid` (the client), `entity`, `patient`,
 * `subtype`, `outcome`, `action`, `address`, `_id`, `_sort=date|-date`, `_count`, `_total`). Other
 * parameters, type and system history of AuditEvents, and _include of them are not supported.
 */
export function auditLogRepository(repo: Repository, log: AuditLog): Repository {
  const transaction = <T>(fn: (tx: ResourceWriter) => Promise<T>): Promise<T> =>
    repo.transaction((tx) => fn(Object.assign(Object.create(tx) as ResourceWriter, auditLogReader(tx, log))));
  return Object.assign(Object.create(repo) as Repository, auditLogReader(repo, log), { transaction });
}

function auditLogReader(inner: ResourceReader, log: AuditLog): Partial<ResourceReader> {
  const readEvent = async (id: string): Promise<StoredVersion | undefined> => {
    const event = await log.read(id);
    return event && stored(event);
  };
  return {
    read: (type, id) => (type === AUDIT_EVENT ? readEvent(id) : inner.read(type, id)),
    readVersion: async (type, id, versionId) => {
      if (type !== AUDIT_EVENT) return inner.readVersion(type, id, versionId);
      return versionId === 1 ? readEvent(id) : undefined;
    },
    history: async (query: HistoryQuery): Promise<HistoryPage> => {
      if (query.resourceType !== AUDIT_EVENT) return inner.history(query);
      if (!query.id) throw new InvalidSearchError('AuditEvents have no type history: search them instead (GET /fhir/AuditEvent?_sort=-date)');
      const version = await readEvent(query.id);
      return { versions: version ? [{ ...version, method: 'POST', position: Number(query.id) }] : [], hasMore: false };
    },
    search: (query: SearchQuery) => (isAuditSearch(query) ? searchLog(log, query) : inner.search(query)),
    exists: async (query: SearchQuery) => (isAuditSearch(query) ? (await searchLog(log, { ...query, count: 1, total: 'none' })).resources.length > 0 : inner.exists(query)),
  };
}

function isAuditSearch(query: SearchQuery): boolean {
  return query.resourceType === AUDIT_EVENT && (query.types === undefined || query.types.length === 1);
}

async function searchLog(log: AuditLog, query: SearchQuery): Promise<SearchResult> {
  const page = await log.search(toLogQuery(query)).catch((error: unknown) => {
    if (error instanceof RangeError) throw new InvalidSearchError('AuditEvent search: the page cursor is not one this server gave');
    throw error;
  });
  return { resources: page.events, ...(page.total !== undefined && { total: page.total }), ...(page.nextCursor && { nextCursor: page.nextCursor }) };
}

/** A search of AuditEvents as the audit log's query; 400 for what the log cannot answer. */
export function toLogQuery(query: SearchQuery): AuditLogQuery {
  if (query.offset > 0) throw new InvalidSearchError('AuditEvent searches page with the next link, not _offset');
  const logQuery: AuditLogQuery = { newestFirst: newestFirst(query), count: query.count, cursor: query.cursor, total: query.total !== 'none' };
  for (const filter of query.filters) {
    if ('kind' in filter) throw new InvalidSearchError('AuditEvent searches take no chains, _has or composite conditions');
    const code = typeof filter.param === 'string' ? filter.param : filter.param.code;
    if (filter.modifier && !(code === 'address' && filter.modifier === 'exact')) {
      throw new InvalidSearchError(`AuditEvent search: the modifier :${filter.modifier} is not supported on ${code}`);
    }
    if (code === 'date' || code === '_lastUpdated') {
      logQuery.recorded = [...(logQuery.recorded ?? []), ...recordedBounds(filter.values)];
      continue;
    }
    const condition = SEARCHABLE[code];
    if (!condition) throw new InvalidSearchError(`AuditEvent search: ${code} is not supported (use ${['date', ...Object.keys(SEARCHABLE)].join(', ')})`);
    const values = filter.values.map((v) => valueOf(code, v.value));
    // Two conditions on the same field (entity and patient) must both hold: keep the values in both.
    const known = logQuery[condition];
    logQuery[condition] = known ? known.filter((v) => values.includes(v)) : values;
  }
  return logQuery;
}

/** The stored form of a search value: the code of a token, `Patient/{id}` for a bare patient id. */
function valueOf(code: string, value: string): string {
  if (['altid', 'subtype', 'outcome', 'action'].includes(code)) return value.includes('|') ? value.slice(value.indexOf('|') + 1) : value;
  if (code === 'patient' && !value.includes('/')) return `Patient/${value}`;
  if (code === 'entity' && !value.includes('/')) throw new InvalidSearchError('AuditEvent search: entity takes a Type/id reference');
  return value;
}

function newestFirst(query: SearchQuery): boolean {
  if (query.sort.length === 0) return false;
  const [rule, ...more] = query.sort;
  const code = typeof rule.param === 'string' ? rule.param : rule.param.code;
  if (more.length > 0 || (code !== 'date' && code !== '_lastUpdated')) {
    throw new InvalidSearchError('AuditEvents sort by date only (_sort=date or _sort=-date)');
  }
  return rule.descending;
}

function stored(event: AuditEvent): StoredVersion {
  if (!event.id || !event.meta?.lastUpdated) throw new Error('the audit log returned an event without id or meta.lastUpdated');
  return { resourceType: AUDIT_EVENT, id: event.id, versionId: 1, lastUpdated: event.meta.lastUpdated, deleted: false, resource: event };
}
