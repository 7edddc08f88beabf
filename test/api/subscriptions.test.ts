import type { Bundle, Patient, Subscription } from '@medplum/fhirtypes';
import request from 'supertest';
import { tokenFor } from '../helpers/auth';
import { patient } from '../helpers/fixtures';
import { createTestApp, storeName, type TestApp } from '../helpers/test-app';
import { withNotifications, type DeliveryWorker } from '../../src/subscriptions';
import type { Repository, ResourceWriter } from '../../src/store/repository';
import { adverseEvent, eventually, restHook, sleep, startReceiver, startTestWorker, workerErrors, type Receiver } from './subscriptions-fixture';

describe(`R4 rest-hook Subscriptions (${storeName()})`, () => {
  const t = {} as TestApp;
  let receiver: Receiver;
  let worker: DeliveryWorker;
  const tokens: Record<string, string> = {};
  const as = (role: string) => ({ Authorization: `Bearer ${tokens[role]}` });
  const subscribe = async (role: string, subscription: Subscription) =>
    (await request(t.app).post('/fhir/Subscription').set(as(role)).send(subscription).expect(201)).body as Subscription;
  const deliveriesOf = (id: string) => t.deps.subscriptions.queue.deliveriesOf(id);

  beforeAll(async () => {
    Object.assign(t, await createTestApp({ auth: true }));
    receiver = await startReceiver();
    worker = startTestWorker(t.deps);
    for (const role of ['admin', 'registry', 'ehr']) tokens[role] = await tokenFor(t.app, t.authStore, role as 'admin');
    await request(t.app).put('/fhir/Patient/p1').set(as('admin')).send({ ...patient(), id: 'p1' }).expect(201);
  });
  afterAll(async () => {
    // The worker stops before the store it claims from closes.
    await worker.stop();
    await receiver.close();
    await t.close();
    expect(workerErrors).toEqual([]);
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.statuses.length = 0;
  });

  it('when a client creates a requested rest-hook Subscription, then the server sets it active and stamps its owner', async () => {
    const created = await subscribe('admin', restHook('AdverseEvent?seriousness=serious&subject=Patient/p1', `${receiver.url}/created`));
    expect(created.status).toBe('active');
    expect(created.meta?.source).toMatch(/^https:\/\/stroma-fhir\.org\/fhir\/subscriber\/admin-/);
  });

  it('when a client sends an owner stamp of its own, then the server replaces it with its own client', async () => {
    const forged = { ...restHook('AdverseEvent', `${receiver.url}/forged`), meta: { source: 'https://stroma-fhir.org/fhir/subscriber/someone-else' } };
    const created = await subscribe('registry', forged);
    expect(created.meta?.source).toMatch(/subscriber\/registry-/);
  });

  it.each([
    ['an unknown search parameter', restHook('AdverseEvent?no-such-param=1', 'http://127.0.0.1:1/x'), 400],
    ['criteria without a resource type', restHook('?seriousness=serious', 'http://127.0.0.1:1/x'), 400],
    ['a payload other than FHIR JSON', restHook('AdverseEvent', 'http://127.0.0.1:1/x', { payload: 'application/xml' }), 422],
    ['an email channel', restHook('AdverseEvent', 'mailto:a@example.org', { type: 'email' }), 422],
    ['an endpoint that is not http(s)', restHook('AdverseEvent', 'ftp://example.org/x'), 422],
  ])('when a Subscription has %s, then it is refused', async (_what, subscription, status) => {
    const res = await request(t.app).post('/fhir/Subscription').set(as('admin')).send(subscription).expect(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('when a registry subscribes to what it may not search (the audit trail), then it is refused with 422', async () => {
    const res = await request(t.app).post('/fhir/Subscription').set(as('registry')).send(restHook('AuditEvent', 'http://127.0.0.1:1/x')).expect(422);
    expect(res.body.issue[0].diagnostics).toMatch(/not a search client registry-.* may make/);
  });

  it('when a registry (which knows Patients by pseudonyms) subscribes by a Patient id, then it is refused with 422; by a study, it is taken', async () => {
    const byPatient = await request(t.app).post('/fhir/Subscription').set(as('registry')).send(restHook('Observation?subject=Patient/p1', 'http://127.0.0.1:1/x')).expect(422);
    expect(byPatient.body.issue[0].diagnostics).toMatch(/may not name Patient ids/);
    await request(t.app).post('/fhir/Subscription').set(as('registry')).send(restHook('AdverseEvent?study=ResearchStudy/s1&seriousness=serious', 'http://127.0.0.1:1/x')).expect(201);
  });

  it('when an EHR client (which may not write Subscriptions) creates one, then it is forbidden', async () => {
    await request(t.app).post('/fhir/Subscription').set(as('ehr')).send(restHook('Observation', 'http://127.0.0.1:1/x')).expect(403);
  });

  it('when a matching AdverseEvent is created, then the endpoint gets it as FHIR JSON with the channel headers; a non-matching one is not sent', async () => {
    const sub = await subscribe('admin', restHook('AdverseEvent?seriousness=serious&subject=Patient/p1', `${receiver.url}/match`, { header: ['Authorization: Bearer hook-secret'] }));
    await request(t.app).post('/fhir/AdverseEvent').set(as('admin')).send(adverseEvent('Patient/p1', 'non-serious')).expect(201);
    const serious = (await request(t.app).post('/fhir/AdverseEvent').set(as('admin')).send(adverseEvent('Patient/p1', 'serious')).expect(201)).body;
    await eventually(() => receiver.received.length >= 1);
    await sleep(200);
    const toThis = receiver.received.filter((r) => r.path === '/match');
    expect(toThis).toHaveLength(1);
    expect(toThis[0].headers.authorization).toBe('Bearer hook-secret');
    expect(toThis[0].headers['content-type']).toBe('application/fhir+json');
    expect(JSON.parse(toThis[0].body)).toMatchObject({ resourceType: 'AdverseEvent', id: serious.id, meta: { versionId: '1' } });
    expect((await deliveriesOf(sub.id as string)).map((d) => [d.resourceId, d.state])).toEqual([[serious.id, 'delivered']]);
  });

  it('when the Subscription has no payload, then the notification is a POST without a body', async () => {
    const sub = restHook('AdverseEvent?seriousness=serious&subject=Patient/p1', `${receiver.url}/empty`);
    delete sub.channel.payload;
    await subscribe('admin', sub);
    await request(t.app).post('/fhir/AdverseEvent').set(as('admin')).send(adverseEvent('Patient/p1', 'serious')).expect(201);
    await eventually(() => receiver.received.some((r) => r.path === '/empty'));
    const got = receiver.received.find((r) => r.path === '/empty');
    expect(got?.body).toBe('');
    expect(got?.headers['content-type']).toBeUndefined();
  });

  it('when the endpoint fails with 500 and then succeeds, then the notification is retried, delivered once, and the Subscription goes error then active', async () => {
    const sub = await subscribe('admin', restHook('Patient?family=Retry', `${receiver.url}/retry`));
    receiver.statuses.push(500);
    await request(t.app).post('/fhir/Patient').set(as('admin')).send(patient('MRN-R', 'Retry')).expect(201);
    await eventually(() => receiver.received.filter((r) => r.path === '/retry' && r.status === 200).length === 1);
    const historyOf = async () => (await request(t.app).get(`/fhir/Subscription/${sub.id}/_history`).set(as('admin')).expect(200)).body as Bundle<Subscription>;
    await eventually(async () => (await historyOf()).entry?.length === 3);
    await sleep(200);
    expect(receiver.received.filter((r) => r.path === '/retry').map((r) => r.status)).toEqual([500, 200]);
    const history = await historyOf();
    const statuses = (history.entry ?? []).map((e) => [e.resource?.status, e.resource?.error]).reverse();
    expect(statuses).toEqual([['active', undefined], ['error', expect.stringMatching(/answered 500/)], ['active', undefined]]);
    const [delivery] = await deliveriesOf(sub.id as string);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('when a 4xx other than 408 or 429 answers, then the notification is not retried and the Subscription shows the error', async () => {
    const sub = await subscribe('admin', restHook('Patient?family=Gone', `${receiver.url}/gone`));
    receiver.statuses.push(404);
    await request(t.app).post('/fhir/Patient').set(as('admin')).send(patient('MRN-G', 'Gone')).expect(201);
    const read = async () => (await request(t.app).get(`/fhir/Subscription/${sub.id}`).set(as('admin')).expect(200)).body as Subscription;
    await eventually(async () => (await read()).status === 'error');
    expect(await read()).toMatchObject({ status: 'error', error: expect.stringMatching(/answered 404/) });
    expect((await deliveriesOf(sub.id as string)).map((d) => d.state)).toEqual(['failed']);
    expect(receiver.received.filter((r) => r.path === '/gone')).toHaveLength(1);
  });

  it('when a registry owns the Subscription, then the Patient it is sent is de-identified as its reads are', async () => {
    // A registry may not search Patients by name (the de-identification hides it), so by gender.
    await subscribe('registry', restHook('Patient?gender=unknown', `${receiver.url}/registry`));
    await request(t.app).post('/fhir/Patient').set(as('admin')).send({ ...patient('MRN-M', 'Masked'), gender: 'unknown' }).expect(201);
    await eventually(() => receiver.received.some((r) => r.path === '/registry'));
    const sent = JSON.parse(receiver.received.find((r) => r.path === '/registry')?.body ?? '{}') as Patient;
    expect(sent).not.toHaveProperty('name');
    expect(sent).not.toHaveProperty('identifier');
    expect(sent.birthDate).toBe('1968');
    expect(sent.meta?.security).toEqual([expect.objectContaining({ code: 'MASKED' })]);
  });

  it('when another client reads a Subscription, then its channel headers are hidden; only the owner or an admin may change it', async () => {
    const sub = await subscribe('admin', restHook('AdverseEvent', 'http://127.0.0.1:1/x', { header: ['Authorization: Bearer s3cret'] }));
    const seen = (await request(t.app).get(`/fhir/Subscription/${sub.id}`).set(as('registry')).expect(200)).body as Subscription;
    expect(seen.channel.header).toBeUndefined();
    await request(t.app).put(`/fhir/Subscription/${sub.id}`).set(as('registry')).send({ ...seen, status: 'off' }).expect(403);
  });

  it('when a transaction Bundle with a matching write fails, then no notification is queued or sent', async () => {
    const sub = await subscribe('admin', restHook('Patient?family=Rollback', `${receiver.url}/rollback`));
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient('MRN-RB', 'Rollback'), request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', gender: 'bogus' } as unknown as Patient, request: { method: 'POST', url: 'Patient' } },
      ],
    };
    await request(t.app).post('/fhir').set(as('admin')).send(bundle).expect(422);
    await sleep(300);
    expect(await deliveriesOf(sub.id as string)).toEqual([]);
    expect(receiver.received.filter((r) => r.path === '/rollback')).toEqual([]);
  });

  it('when the transaction fails after its notification was queued, then the notification rolls back with the write', async () => {
    const sub = await subscribe('admin', restHook('Patient?family=Late', `${receiver.url}/late`));
    const failingAtCommit: Repository = Object.assign(Object.create(t.repo) as Repository, {
      transaction: <T>(fn: (tx: ResourceWriter) => Promise<T>) => t.repo.transaction(async (tx) => {
        await fn(tx);
        throw new Error('refused at commit');
      }),
    });
    const repo = withNotifications(failingAtCommit, t.deps.registries, t.deps.validation.lookups, t.deps.subscriptions.bell);
    await expect(repo.transaction((tx) => tx.write({ ...patient('MRN-L', 'Late'), id: 'late-1' }, 'POST'))).rejects.toThrow('refused at commit');
    await sleep(300);
    expect(await deliveriesOf(sub.id as string)).toEqual([]);
    expect((await t.repo.search({ resourceType: 'Patient', filters: [], sort: [], count: 100, offset: 0, total: 'none' })).resources
      .filter((p) => (p as Patient).name?.[0]?.family === 'Late')).toEqual([]);
  });

  it('when a Subscription with a pending notification is set off or deleted, then its pending notifications are cancelled', async () => {
    const off = await subscribe('admin', restHook('Patient?family=Stopped', `${receiver.url}/stopped`));
    const deleted = await subscribe('admin', restHook('Patient?family=Stopped', `${receiver.url}/stopped`));
    // The endpoint keeps failing, so the notifications stay pending (retried) until the Subscriptions stop.
    receiver.statuses.push(...Array<number>(100).fill(503));
    await request(t.app).post('/fhir/Patient').set(as('admin')).send(patient('MRN-S', 'Stopped')).expect(201);
    await eventually(() => receiver.received.filter((r) => r.path === '/stopped').length >= 2);
    const current = (await request(t.app).get(`/fhir/Subscription/${off.id}`).set(as('admin')).expect(200)).body as Subscription;
    await request(t.app).put(`/fhir/Subscription/${off.id}`).set(as('admin')).send({ ...current, status: 'off' }).expect(200);
    await request(t.app).delete(`/fhir/Subscription/${deleted.id}`).set(as('admin')).expect(200);
    await sleep(500);
    expect((await deliveriesOf(off.id as string)).map((d) => d.state)).toEqual(['cancelled']);
    expect((await deliveriesOf(deleted.id as string)).map((d) => d.state)).toEqual(['cancelled']);
    const attempts = receiver.received.filter((r) => r.path === '/stopped').length;
    await sleep(500);
    expect(receiver.received.filter((r) => r.path === '/stopped')).toHaveLength(attempts);
  });
});
