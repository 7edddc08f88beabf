import type { AuditEvent } from '@medplum/fhirtypes';
import type { AuditLog, AuditLogPage, AuditLogQuery, InstantBound } from '../audit-log';
import type { Db } from './driver/db';

/** The AuditLog over the store's database (migration 008): PGlite and PostgreSQL alike. */
export function createPostgresAuditLog(db: Db): AuditLog {
  return {
    async append(events) {
      if (events.length === 0) return [];
      const rows = await db.query<{ seq: string }>(APPEND_SQL, [JSON.stringify(events.map(toRow))], 'audit-append');
      if (rows.length !== events.length) {
        throw new Error(`audit log: ${rows.length} rows inserted for ${events.length} events`);
      }
      // seq is drawn row by row in the order of the SELECT (ORDER BY n), so ascending seqs are the
      // input order whatever order RETURNING reports them in.
      return rows.map((row) => BigInt(row.seq)).sort(ascending).map(String);
    },

    async read(id) {
      if (!isSeq(id)) return undefined;
      const rows = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_event WHERE seq = $1::bigint`, [id], 'audit-read');
      return rows.length > 0 ? toEvent(rows[0]) : undefined;
    },

    async search(query) {
      return searchLog(db, query);
    },
  };
}

/** Any constant of its own: the appends of every server process take it in turn (see APPEND_SQL). */
const APPEND_LOCK = 72_640_118;

/** The search columns of one event, as the append statement reads them from its jsonb parameter. */
interface AppendRow {
  recorded: string;
  client: string | null;
  address: string | null;
  subtypes: string[];
  outcome: string | null;
  action: string | null;
  entities: string[];
  content: Omit<AuditEvent, 'id' | 'meta'>;
}

// One fixed text for any batch size, so PostgreSQL plans it once per connection: the batch travels
// as one jsonb array and WITH ORDINALITY keeps its order through the insert.
//
// The advisory lock, held until the statement's own transaction commits, makes appends of all server
// processes take their seqs one batch after another, in commit order: a reader paging by seq then never
// passes a seq that a batch still in flight would fill in below it.
const APPEND_SQL = `
WITH turn AS (SELECT pg_advisory_xact_lock(${APPEND_LOCK}) AS taken)
INSERT INTO audit_event (recorded, client_id, address, subtypes, outcome, action, entities, content)
SELECT (e->>'recorded')::timestamptz, e->>'client', e->>'address',
       ARRAY(SELECT jsonb_array_elements_text(e->'subtypes')), e->>'outcome', e->>'action',
       ARRAY(SELECT jsonb_array_elements_text(e->'entities')), e->'content'
FROM turn CROSS JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY AS batch(e, n)
ORDER BY n
RETURNING seq::text AS seq`;

const EVENT_COLUMNS = 'seq::text AS id, recorded, content';

interface EventRow {
  id: string;
  recorded: string;
  content: Omit<AuditEvent, 'id' | 'meta'>;
}

function toRow(event: AuditEvent): AppendRow {
  const { id: _id, meta: _meta, ...given } = event;
  // recorded is required by FHIR; an event without one is recorded now rather than refused,
  // since dropping an audit event would be worse.
  const content = given.recorded ? given : { ...given, recorded: new Date().toISOString() };
  const requestor = event.agent?.find((agent) => agent.requestor);
  return {
    recorded: content.recorded,
    client: requestor?.altId ?? null,
    address: requestor?.network?.address ?? null,
    subtypes: (event.subtype ?? []).flatMap((coding) => (coding.code ? [coding.code] : [])),
    outcome: event.outcome ?? null,
    action: event.action ?? null,
    entities: unique((event.entity ?? []).flatMap((entity) => (entity.what?.reference ? [resourceKey(entity.what.reference)] : []))),
    content,
  };
}

const VERSIONED_REFERENCE = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * `Type/id` of a reference, relative or absolute, any `/_history/N` dropped, so that searching by a
 * resource finds the events about each of its versions. Other references (urn:uuid:, #contained)
 * are kept as given.
 */
export function resourceKey(reference: string): string {
  return VERSIONED_REFERENCE.exec(reference)?.[1] ?? reference;
}

function toEvent(row: EventRow): AuditEvent {
  const { resourceType, ...rest } = row.content;
  return { resourceType, id: row.id, meta: { versionId: '1', lastUpdated: row.recorded }, ...rest };
}

async function searchLog(db: Db, query: AuditLogQuery): Promise<AuditLogPage> {
  const params: unknown[] = [];
  const add = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = matchConditions(query, add);
  const totalSql = query.total ? `SELECT count(*)::bigint AS total FROM audit_event ${whereClause(where)}` : undefined;
  const totalParams = [...params];

  const cursor = query.cursor === undefined ? undefined : parseCursor(query.cursor);
  if (cursor !== undefined) where.push(`seq ${query.newestFirst ? '<' : '>'} ${add(cursor)}::bigint`);
  const count = Math.max(0, Math.floor(query.count));
  // One row past the page tells whether another page follows.
  const pageSql = `SELECT ${EVENT_COLUMNS} FROM audit_event ${whereClause(where)}
    ORDER BY seq ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT ${add(count + 1)}`;

  const [rows, totalRows] = await Promise.all([
    count > 0 ? db.query<EventRow>(pageSql, params) : Promise.resolve([]),
    totalSql ? db.query<{ total: number }>(totalSql, totalParams) : Promise.resolve(undefined),
  ]);
  const page: AuditLogPage = { events: rows.slice(0, count).map(toEvent) };
  if (totalRows) page.total = Number(totalRows[0].total);
  if (rows.length > count) page.nextCursor = rows[count - 1].id;
  return page;
}

/** The SQL conditions of the query, ANDed; each value a bound parameter. */
function matchConditions(query: AuditLogQuery, add: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (query.ids) where.push(`seq = ANY(${add(query.ids.filter(isSeq))}::bigint[])`);
  for (const bound of query.recorded ?? []) {
    where.push(`recorded ${COMPARATORS[bound.comparator]} ${add(bound.instant)}::timestamptz`);
  }
  if (query.clients) where.push(`client_id = ANY(${add(query.clients)}::text[])`);
  if (query.entities) where.push(`entities && ${add(unique(query.entities.map(resourceKey)))}::text[]`);
  if (query.subtypes) where.push(`subtypes && ${add(query.subtypes)}::text[]`);
  if (query.outcomes) where.push(`outcome = ANY(${add(query.outcomes)}::text[])`);
  if (query.actions) where.push(`action = ANY(${add(query.actions)}::text[])`);
  if (query.addresses) where.push(`address = ANY(${add(query.addresses)}::text[])`);
  return where;
}

const COMPARATORS: Record<InstantBound['comparator'], string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** A cursor is the last seq of the previous page; anything else was not made by this log. */
function parseCursor(cursor: string): string {
  if (!isSeq(cursor)) throw new RangeError(`not an audit log cursor: ${cursor}`);
  return cursor;
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** A positive bigint in decimal: anything else names no event (and would make PostgreSQL throw). */
function isSeq(value: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

function ascending(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
