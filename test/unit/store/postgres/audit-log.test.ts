import type { AuditEvent } from '@medplum/fhirtypes';
import type { AuditLog, AuditLogQuery } from '../../../../src/store/audit-log';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { createPostgresAuditLog, openDatabase } from '../../../../src/store/postgres';
import { freshDatabase, storeName } from '../../../helpers/test-app';

interface EventSpec {
  recorded: string;
  client?: string;
  address?: string;
  subtypes?: string[];
  outcome?: AuditEvent['outcome'];
  action?: AuditEvent['action'];
  entities?: string[];
}

function auditEvent(spec: EventSpec): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    subtype: (spec.subtypes ?? ['read']).map((code) => ({ system: 'http://hl7.org/fhir/restful-interaction', code })),
    action: spec.action ?? 'R',
    recorded: spec.recorded,
    outcome: spec.outcome ?? '0',
    agent: [
      { type: { text: 'server' }, who: { display: 'Stroma' }, requestor: false },
      { who: { display: spec.client ?? 'anonymous' }, altId: spec.client, requestor: true, network: { address: spec.address ?? '10.0.0.1', type: '2' } },
    ],
    source: { observer: { display: 'Stroma' } },
    entity: (spec.entities ?? []).map((reference) => ({ what: { reference } })),
  };
}

const query = (q: Partial<AuditLogQuery>): AuditLogQuery => ({ newestFirst: false, count: 100, total: false, ...q });

/** A Db that counts the statements sent through it. */
function counting(db: Db): { db: Db; statements: () => number } {
  let statements = 0;
  return {
    db: {
      query: (sql, params, name) => {
        statements += 1;
        return db.query(sql, params, name);
      },
      begin: () => db.begin(),
      close: () => db.close(),
    },
    statements: () => statements,
  };
}

describe(`the PostgreSQL AuditLog (${storeName()})`, () => {
  let db: Db;
  let log: AuditLog;
  let drop: (() => Promise<void>) | undefined;
  // A fixed set searched by most tests; each test that appends more uses entities of its own.
  let ids: string[];

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    log = createPostgresAuditLog(db);
    ids = await log.append([
      auditEvent({ recorded: '2026-12-01T10:00:00.000Z', client: 'lab-a', entities: ['Patient/p1/_history/1'] }),
      auditEvent({ recorded: '2026-12-01T11:00:00.000Z', client: 'lab-a', subtypes: ['search-type'], entities: ['Observation/o1', 'Patient/p1'] }),
      auditEvent({ recorded: '2026-12-01T12:00:00.000Z', client: 'registry-b', action: 'C', entities: ['https://stroma.example/fhir/Patient/p2/_history/7'] }),
      auditEvent({ recorded: '2026-12-01T13:00:00.000Z', client: 'registry-b', outcome: '4', address: '10.0.0.9', subtypes: ['token'] }),
      auditEvent({ recorded: '2026-12-01T14:00:00.000Z', action: 'E', outcome: '8', subtypes: ['validate', 'operation'] }),
    ]);
  });
  afterAll(async () => {
    await db.close();
    await drop?.();
  });

  const found = async (q: Partial<AuditLogQuery>) => (await log.search(query(q))).events.map((e) => e.id);

  it('when events are appended, then their ids are ascending in input order and each reads back with meta derived', async () => {
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(5);
    const given = auditEvent({ recorded: '2026-12-01T12:00:00.000Z', client: 'registry-b', action: 'C', entities: ['https://stroma.example/fhir/Patient/p2/_history/7'] });
    const read = await log.read(ids[2]);
    expect(read).toEqual({ ...given, id: ids[2], meta: { versionId: '1', lastUpdated: '2026-12-01T12:00:00.000Z' } });
    expect(Object.keys(read ?? {}).slice(0, 3)).toEqual(['resourceType', 'id', 'meta']);
  });

  it('when an event is given with an id and meta, then both are replaced by the derived ones', async () => {
    const [id] = await log.append([{ ...auditEvent({ recorded: '2026-12-02T09:00:00.000+01:00', entities: ['Group/own-1'] }), id: 'x', meta: { versionId: '9' } }]);
    expect(await log.read(id)).toMatchObject({ id, meta: { versionId: '1', lastUpdated: '2026-12-02T08:00:00.000Z' }, recorded: '2026-12-02T09:00:00.000+01:00' });
  });

  it('when an id is unknown or not a number, then read answers undefined', async () => {
    for (const id of ['999999999', 'abc', '-1', '0', '1.5', '99999999999999999999', '']) {
      expect(await log.read(id)).toBeUndefined();
    }
  });

  it('when searched by each condition, then exactly the matching events are found', async () => {
    expect(await found({ ids: [ids[1], ids[3], 'nope'] })).toEqual([ids[1], ids[3]]);
    expect(await found({ ids: ['nope'] })).toEqual([]);
    expect(await found({ clients: ['lab-a'] })).toEqual([ids[0], ids[1]]);
    expect(await found({ subtypes: ['operation'] })).toEqual([ids[4]]);
    expect(await found({ subtypes: ['token', 'search-type'] })).toEqual([ids[1], ids[3]]);
    expect(await found({ outcomes: ['4', '8'] })).toEqual([ids[3], ids[4]]);
    expect(await found({ actions: ['C'] })).toEqual([ids[2]]);
    expect(await found({ addresses: ['10.0.0.9'] })).toEqual([ids[3]]);
    expect(await found({ entities: ['Observation/o1'] })).toEqual([ids[1]]);
  });

  it('when searched by an entity, then events naming any version of it, relative or absolute, match', async () => {
    expect(await found({ entities: ['Patient/p1'] })).toEqual([ids[0], ids[1]]);
    expect(await found({ entities: ['Patient/p2'] })).toEqual([ids[2]]);
    expect(await found({ entities: ['Patient/p2/_history/1'] })).toEqual([ids[2]]);
    expect(await found({ entities: ['Patient/p9'] })).toEqual([]);
  });

  it('when conditions are combined, then all of them must hold', async () => {
    expect(await found({ clients: ['lab-a', 'registry-b'], entities: ['Patient/p1', 'Patient/p2'] })).toEqual([ids[0], ids[1], ids[2]]);
    expect(await found({ clients: ['registry-b'], outcomes: ['4'], subtypes: ['token'], addresses: ['10.0.0.9'] })).toEqual([ids[3]]);
    expect(await found({ clients: ['lab-a'], actions: ['C'] })).toEqual([]);
    const noon = '2026-12-01T12:00:00.000Z';
    expect(await found({ clients: ['registry-b'], recorded: [{ comparator: 'gt', instant: noon }] })).toEqual([ids[3]]);
  });

  it('when bounded by recorded, then ge/le include the bound and gt/lt exclude it', async () => {
    const eleven = '2026-12-01T11:00:00Z';
    const thirteen = '2026-12-01T13:00:00.000Z';
    expect(await found({ recorded: [{ comparator: 'ge', instant: eleven }, { comparator: 'le', instant: thirteen }] })).toEqual([ids[1], ids[2], ids[3]]);
    expect(await found({ recorded: [{ comparator: 'gt', instant: eleven }, { comparator: 'lt', instant: thirteen }] })).toEqual([ids[2]]);
    // 11:00 at +01:00 is the first event's 10:00Z.
    expect(await found({ recorded: [{ comparator: 'le', instant: '2026-12-01T11:00:00.000+01:00' }] })).toEqual([ids[0]]);
    expect(await found({ recorded: [{ comparator: 'lt', instant: '2026-12-01T11:00:00.000+01:00' }] })).toEqual([]);
  });

  it('when asked newest first, then the events come in descending order', async () => {
    expect(await found({ clients: ['lab-a', 'registry-b'], newestFirst: true })).toEqual([ids[3], ids[2], ids[1], ids[0]]);
  });

  it('when batches are appended at once over several connections, then each batch takes its ids in one run: seq order is commit order', async () => {
    const batches = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => auditEvent({ recorded: '2026-12-03T00:00:00.000Z', client: `turns-${b}`, entities: [`Basic/turn-${b}-${i}`] })));
    const results = await Promise.all(batches.map((batch) => log.append(batch)));
    for (const ids of results) {
      const seqs = ids.map(Number);
      expect(seqs[seqs.length - 1] - seqs[0]).toBe(seqs.length - 1); // no other batch's id in between
    }
  });

  it('when paged 3 by 3 through 8 events with the cursors, then every event comes exactly once, in order, both ways', async () => {
    const paged = await log.append(Array.from({ length: 8 }, (_, i) => auditEvent({ recorded: `2026-12-03T00:00:0${i}.000Z`, entities: ['Group/paged'] })));
    for (const newestFirst of [false, true]) {
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await log.search(query({ entities: ['Group/paged'], count: 3, newestFirst, cursor, total: true }));
        expect(page.total).toBe(8);
        seen.push(...page.events.map((e) => e.id ?? ''));
        pageSizes.push(page.events.length);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(pageSizes).toEqual([3, 3, 2]);
      expect(seen).toEqual(newestFirst ? [...paged].reverse() : paged);
    }
  });

  it('when a page ends exactly at the last match, then it has no next cursor', async () => {
    const page = await log.search(query({ clients: ['lab-a'], count: 2 }));
    expect(page.events).toHaveLength(2);
    expect(page.nextCursor).toBeUndefined();
    expect(page.total).toBeUndefined();
  });

  it('when a total is asked, then it counts the whole match, not the page', async () => {
    const page = await log.search(query({ clients: ['lab-a', 'registry-b'], count: 1, total: true }));
    expect(page.events.map((e) => e.id)).toEqual([ids[0]]);
    expect(page.total).toBe(4);
    expect((await log.search(query({ clients: ['nobody'], total: true }))).total).toBe(0);
  });

  it('when a cursor was not made by the log, then search refuses it', async () => {
    await expect(log.search(query({ cursor: "1; DROP TABLE audit_event" }))).rejects.toThrow(RangeError);
  });

  it('when 1,000 events are appended, then it is one statement and the ids follow the input', async () => {
    const probe = counting(db);
    const countedLog = createPostgresAuditLog(probe.db);
    const batch = Array.from({ length: 1000 }, (_, i) => auditEvent({ recorded: '2026-12-04T00:00:00.000Z', entities: [`Group/bulk-${i}`] }));
    const bulk = await countedLog.append(batch);
    expect(probe.statements()).toBe(1);
    expect(bulk).toHaveLength(1000);
    for (const i of [0, 499, 999]) {
      expect((await log.search(query({ entities: [`Group/bulk-${i}`] }))).events.map((e) => e.id)).toEqual([bulk[i]]);
    }
  });

  it('when nothing is appended, then no statement is sent', async () => {
    const probe = counting(db);
    expect(await createPostgresAuditLog(probe.db).append([])).toEqual([]);
    expect(probe.statements()).toBe(0);
  });
});
