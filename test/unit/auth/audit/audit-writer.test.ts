import type { AuditEvent } from '@medplum/fhirtypes';
import pino from 'pino';
import { AuditWriter, type AuditWriterOptions } from '../../../../src/auth/audit/audit-writer';
import type { AuditLog } from '../../../../src/store/audit-log';
import { createPostgresAuditLog, openDatabase } from '../../../../src/store/postgres';
import type { Db } from '../../../../src/store/postgres/driver/db';
import { freshDatabase, storeName } from '../../../helpers/test-app';
import { auditRecord } from './audit-fixture';

/** The audit log as the writer sees it, counting appends, and failing or holding them on demand. */
class LogProbe {
  appends = 0;
  running = 0;
  mostAtOnce = 0;
  /** Appends still to fail (before anything is stored, as a dropped connection would). */
  failNext = 0;
  /** While set, appends wait for it before they start. */
  gate?: Promise<void>;
  readonly log: AuditLog;

  constructor(inner: AuditLog) {
    this.log = { ...inner, append: (events) => this.append(inner, events) };
  }

  private async append(inner: AuditLog, events: AuditEvent[]): Promise<string[]> {
    this.appends++;
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
    try {
      await this.gate;
      if (this.failNext > 0) {
        this.failNext--;
        throw Object.assign(new Error('connection terminated'), { code: '57P01' });
      }
      return await inner.append(events);
    } finally {
      this.running--;
    }
  }
}

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

describe(`AuditWriter (${storeName()})`, () => {
  let db: Db;
  let log: AuditLog;
  let drop: (() => Promise<void>) | undefined;
  let probe: LogProbe;
  let logs: LogLine[];
  const writers: AuditWriter[] = [];

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    log = createPostgresAuditLog(db);
  });
  beforeEach(() => {
    probe = new LogProbe(log);
    logs = [];
  });
  afterEach(async () => {
    probe.gate = undefined;
    probe.failNext = 0;
    await Promise.all(writers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await db.close();
    await drop?.();
  });

  function writer(options: Partial<AuditWriterOptions> = {}): AuditWriter {
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
    const created = new AuditWriter(probe.log, { baseUrl: 'http://localhost/fhir', flushMs: 60_000, logger, ...options });
    writers.push(created);
    return created;
  }

  /** The stored AuditEvents of one test, told apart by their request ids. */
  async function stored(requestPrefix: string): Promise<string[]> {
    const { events } = await log.search({ count: 1000, newestFirst: false, total: false });
    return events
      .map((e) => e.entity?.find((x) => x.what?.identifier)?.what?.identifier?.value ?? '')
      .filter((id) => id.startsWith(requestPrefix))
      .sort();
  }
  const record = (prefix: string, n: number) => auditRecord({ requestId: `${prefix}-${String(n).padStart(4, '0')}` });
  const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const waitFor = async (done: () => boolean | Promise<boolean>, ms = 5000) => {
    for (const until = Date.now() + ms; !(await done()); ) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('when many records arrive, then a full batch is written at once (not after flushMs), one append per batch, each event once', async () => {
    const audit = writer({ maxBatch: 100 }); // flushMs is a minute: only a full batch can start this flush
    for (let i = 0; i < 250; i++) audit.record(record('batch', i));
    expect(probe.appends).toBe(0);

    await waitFor(() => audit.queued === 0 && probe.running === 0);

    expect(probe.appends).toBe(3);
    expect(await stored('batch')).toEqual(ids('batch', 250));
  });

  it('when a few records arrive, then the timer writes them after flushMs in one append', async () => {
    const audit = writer({ flushMs: 30 });
    for (let i = 0; i < 3; i++) audit.record(record('timer', i));
    expect(probe.appends).toBe(0);

    await waitFor(async () => (await stored('timer')).length === 3);
    expect(probe.appends).toBe(1);
    expect(audit.queued).toBe(0);
  });

  it('when the store is slow, then record() returns at once, and one flush runs at a time', async () => {
    let open = () => undefined as void;
    probe.gate = new Promise<void>((resolve) => (open = resolve));
    const audit = writer({ maxBatch: 10, flushMs: 5 });

    // record() returns nothing to wait for: the 100 calls finish while the store is still held at the gate.
    for (let i = 0; i < 100; i++) expect(audit.record(record('slow', i))).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50)); // timers fire; the first flush is held at the gate

    expect(probe.appends).toBe(1);
    expect(audit.queued).toBe(90);
    open();
    await audit.flush();
    expect(probe.mostAtOnce).toBe(1);
    expect(await stored('slow')).toEqual(ids('slow', 100));
  });

  it('when a flush fails, then it is logged without patient data and retried, and nothing is lost', async () => {
    probe.failNext = 2;
    const audit = writer({ maxBatch: 10, flushMs: 10 });
    for (let i = 0; i < 25; i++) audit.record(record('retry', i));

    await waitFor(async () => audit.queued === 0 && (await stored('retry')).length === 25);

    expect(await stored('retry')).toEqual(ids('retry', 25));
    const failures = logs.filter((l) => l.msg === 'audit events not written; will retry');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ events: 10, err: { code: '57P01' } });
    expect(JSON.stringify(logs)).not.toMatch(/obs-1|lab-ehr|retry-/);
  });

  it('when flush() meets a failing store, then it rejects and keeps the events for the next attempt', async () => {
    probe.failNext = 1;
    const audit = writer();
    audit.record(record('again', 0));

    await expect(audit.flush()).rejects.toThrow('connection terminated');
    expect(audit.queued).toBe(1);
    await audit.flush();
    expect(await stored('again')).toEqual(ids('again', 1));
  });

  it('when the store stays away beyond maxQueued, then the oldest are dropped and counted in an error log', async () => {
    probe.failNext = 1;
    const audit = writer({ maxBatch: 4, maxQueued: 6 });
    for (let i = 0; i < 4; i++) audit.record(record('bound', i));
    await expect(audit.flush()).rejects.toThrow();
    for (let i = 4; i < 8; i++) audit.record(record('bound', i));

    expect(audit.queued).toBe(6);
    await audit.flush();

    expect(await stored('bound')).toEqual(ids('bound', 8).slice(2));
    expect(logs.find((l) => l.msg.startsWith('audit events dropped'))).toMatchObject({ level: 50, dropped: 2 });
  });

  it('when the writer is closed, then everything queued is written first, and later records are refused with a log', async () => {
    const audit = writer({ maxBatch: 100 });
    for (let i = 0; i < 130; i++) audit.record(record('close', i));

    await audit.close();

    expect(audit.queued).toBe(0);
    expect(await stored('close')).toEqual(ids('close', 130));
    audit.record(record('late', 0));
    expect(audit.queued).toBe(0);
    expect(logs.some((l) => l.msg.includes('after the audit writer was closed'))).toBe(true);
  });

  it('when the stored event is read back, then it is the mapped AuditEvent with a server id and version', async () => {
    const audit = writer();
    audit.record(auditRecord({ requestId: 'readback-0', interaction: 'search-type', path: '/fhir/Observation', query: 'code=718-7' }));
    await audit.flush();

    const [event] = (await log.search({ count: 1000, newestFirst: false, total: false })).events.filter((e) => JSON.stringify(e).includes('readback-0'));
    expect(event.id).toMatch(/^\d+$/);
    expect(event.meta?.versionId).toBe('1');
    expect(event).toMatchObject({ action: 'E', subtype: [{ code: 'search-type' }], source: { observer: { display: 'Stroma' } } });
  });
});
