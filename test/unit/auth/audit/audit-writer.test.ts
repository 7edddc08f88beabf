import type { AuditEvent } from '@medplum/fhirtypes';
import pino from 'pino';
import { AuditWriter, type AuditWriterOptions } from '../../../../src/auth/audit/audit-writer';
import { createRegistries } from '../../../../src/fhir/conformance/registries';
import { parseSearch } from '../../../../src/fhir/search/parse-search';
import { createPostgresRepository, openDatabase, SEARCHABLE_TYPES } from '../../../../src/store/postgres';
import type { Repository, ResourceWriter } from '../../../../src/store/repository';
import { freshDatabase, storeName } from '../../../helpers/test-app';
import { auditRecord } from './audit-fixture';

/** The store as the writer sees it, counting transactions, and failing or holding them on demand. */
class StoreProbe {
  transactions = 0;
  running = 0;
  mostAtOnce = 0;
  /** Transactions still to fail, after their writes were sent (so the store must roll them back). */
  failNext = 0;
  /** While set, transactions wait for it before they start. */
  gate?: Promise<void>;
  readonly repo: Repository;

  constructor(inner: Repository) {
    this.repo = { ...inner, transaction: <T>(fn: (tx: ResourceWriter) => Promise<T>) => this.transaction(inner, fn) };
  }

  private async transaction<T>(inner: Repository, fn: (tx: ResourceWriter) => Promise<T>): Promise<T> {
    this.transactions++;
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
    try {
      await this.gate;
      return await inner.transaction(async (tx) => {
        const result = await fn(tx);
        await tx.read('AuditEvent', 'none'); // sends the buffered writes, so a failure below undoes real rows
        if (this.failNext > 0) {
          this.failNext--;
          throw Object.assign(new Error('connection terminated'), { code: '57P01' });
        }
        return result;
      });
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
  const registries = createRegistries(SEARCHABLE_TYPES);
  let repo: Repository;
  let drop: (() => Promise<void>) | undefined;
  let probe: StoreProbe;
  let logs: LogLine[];
  const writers: AuditWriter[] = [];

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = database?.drop;
    const db = await openDatabase({ databaseUrl: database?.url, poolSize: 4 });
    repo = createPostgresRepository(db, { parameters: registries.searchParameters.indexed(), baseUrl: 'http://localhost/fhir' });
  });
  beforeEach(() => {
    probe = new StoreProbe(repo);
    logs = [];
  });
  afterEach(async () => {
    probe.gate = undefined;
    probe.failNext = 0;
    await Promise.all(writers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await repo.close();
    await drop?.();
  });

  function writer(options: Partial<AuditWriterOptions> = {}): AuditWriter {
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
    const created = new AuditWriter(probe.repo, { baseUrl: 'http://localhost/fhir', flushMs: 60_000, logger, ...options });
    writers.push(created);
    return created;
  }

  /** The stored AuditEvents of one test, told apart by their request ids. */
  async function stored(requestPrefix: string): Promise<string[]> {
    const query = parseSearch('AuditEvent', [['_count', '1000']], registries, true).query;
    const { resources } = await repo.search(query);
    return (resources as AuditEvent[])
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

  it('when many records arrive, then a full batch is written at once (not after flushMs), one transaction per batch, each event once', async () => {
    const audit = writer({ maxBatch: 100 }); // flushMs is a minute: only a full batch can start this flush
    for (let i = 0; i < 250; i++) audit.record(record('batch', i));
    expect(probe.transactions).toBe(0);

    await waitFor(() => audit.queued === 0 && probe.running === 0);

    expect(probe.transactions).toBe(3);
    expect(await stored('batch')).toEqual(ids('batch', 250));
  });

  it('when a few records arrive, then the timer writes them after flushMs in one transaction', async () => {
    const audit = writer({ flushMs: 30 });
    for (let i = 0; i < 3; i++) audit.record(record('timer', i));
    expect(probe.transactions).toBe(0);

    await waitFor(async () => (await stored('timer')).length === 3);
    expect(probe.transactions).toBe(1);
    expect(audit.queued).toBe(0);
  });

  it('when the store is slow, then record() returns at once, and one flush runs at a time', async () => {
    let open = () => undefined as void;
    probe.gate = new Promise<void>((resolve) => (open = resolve));
    const audit = writer({ maxBatch: 10, flushMs: 5 });

    const started = performance.now();
    for (let i = 0; i < 100; i++) audit.record(record('slow', i));
    const elapsed = performance.now() - started;
    await new Promise((r) => setTimeout(r, 50)); // timers fire; the first flush is held at the gate

    expect(elapsed).toBeLessThan(50);
    expect(probe.transactions).toBe(1);
    expect(audit.queued).toBe(90);
    open();
    await audit.flush();
    expect(probe.mostAtOnce).toBe(1);
    expect(await stored('slow')).toEqual(ids('slow', 100));
  });

  it('when a flush fails, then it is logged without patient data and retried, and nothing is lost or written twice', async () => {
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

    const [event] = (await repo.search(parseSearch('AuditEvent', [['_count', '1000']], registries, true).query)).resources.filter(
      (e) => JSON.stringify(e).includes('readback-0'),
    ) as AuditEvent[];
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.meta?.versionId).toBe('1');
    expect(event).toMatchObject({ action: 'E', subtype: [{ code: 'search-type' }], source: { observer: { display: 'Stroma' } } });
  });
});
