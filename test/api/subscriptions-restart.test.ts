import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { buildDependencies, createApp, type AppDependencies } from '../../src/app';
import { freshDatabase, storeName, TEST_BASE_URL, AUTH_OFF } from '../helpers/test-app';
import { patient } from '../helpers/fixtures';
import { eventually, restHook, startReceiver, startTestWorker, workerErrors, type Receiver } from './subscriptions-fixture';

/** A server on `store` (a PostgreSQL database, or a PGlite data directory), as main.ts builds one, without its worker. */
async function server(store: { databaseUrl?: string; dataDir?: string }): Promise<AppDependencies> {
  const built = await buildDependencies({ ...store, dbPoolSize: 5, baseUrl: TEST_BASE_URL, auth: AUTH_OFF }, pino({ level: 'silent' }));
  return { ...built, config: { baseUrl: TEST_BASE_URL, bodyLimitBytes: 1 << 24, bundleMaxEntries: 1000, auth: AUTH_OFF } };
}

async function close(deps: AppDependencies): Promise<void> {
  await deps.security.close();
  await deps.repo.close();
  await deps.uploads.close();
}

describe(`Subscription notifications across a restart (${storeName()})`, () => {
  let receiver: Receiver;
  let work: string;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: { databaseUrl?: string; dataDir?: string };

  beforeAll(async () => {
    receiver = await startReceiver();
    work = mkdtempSync(path.join(tmpdir(), 'stroma-subscriptions-'));
    database = await freshDatabase();
    store = database ? { databaseUrl: database.url } : { dataDir: path.join(work, 'data') };
  });
  afterAll(async () => {
    await receiver.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('when the server stops with notifications pending, then the next server on the same store sends them', async () => {
    const first = await server(store);
    const app = createApp(first);
    const sub = (await request(app).post('/fhir/Subscription').send(restHook('Patient?family=Restart', `${receiver.url}/restart`)).expect(201)).body;
    // No worker runs in this server: the notification waits in the store.
    await request(app).post('/fhir/Patient').send(patient('MRN-X', 'Restart')).expect(201);
    expect((await first.subscriptions.queue.deliveriesOf(sub.id)).map((d) => d.state)).toEqual(['pending']);
    await close(first);

    const second = await server(store);
    const worker = startTestWorker(second);
    try {
      await eventually(() => receiver.received.some((r) => r.path === '/restart'));
      expect(JSON.parse(receiver.received[0].body)).toMatchObject({ resourceType: 'Patient', name: [{ family: 'Restart' }] });
      await eventually(async () => (await second.subscriptions.queue.deliveriesOf(sub.id))[0]?.state === 'delivered');
    } finally {
      await worker.stop();
      await close(second);
    }
    expect(workerErrors).toEqual([]);
  });
});
