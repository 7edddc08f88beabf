import type { Patient } from '@medplum/fhirtypes';
import pino from 'pino';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDependencies, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { downloaded, finishedManifest, kickOff } from '../helpers/bulk-client';
import { storeAsGiven } from '../helpers/seed';
import { AUTH_OFF, freshDatabase, storeName, TEST_BASE_URL, useTestApp, type TestApp } from '../helpers/test-app';

const patients = (prefix: string, n: number): Patient[] =>
  Array.from({ length: n }, (_, i) => ({ resourceType: 'Patient', id: `${prefix}-${i}`, name: [{ family: `${prefix}${i}` }] }));

describe(`Bulk Data $export jobs whose process died (${storeName()})`, () => {
  const t = useTestApp();

  it('when the process holding a job stops renewing its lease, then another takes the job over once the lease ends and finishes it', async () => {
    await storeAsGiven(t.repo, patients('lease', 30));
    await t.deps.bulk.worker.stop();
    const status = await kickOff(t.app, '/fhir/$export?_type=Patient');
    const held = await t.deps.bulk.store.claim('a process that died', 300);
    expect(held?.state).toBe('running');
    expect(await t.deps.bulk.store.claim('another process', 60_000)).toBeUndefined(); // the lease still holds
    await new Promise((resolve) => setTimeout(resolve, 350));
    t.deps.bulk.worker.start();
    const output = await downloaded(t.app, (await finishedManifest(t, status)).output);
    expect(output).toHaveLength(30);
  });
});

(process.env.TEST_DATABASE_URL ? describe : describe.skip)('Bulk Data $export with two server processes on one PostgreSQL', () => {
  it('when both run the queue at once, then each job runs in one of them only and every job holds every resource once', async () => {
    const database = await freshDatabase();
    const logger = pino({ level: 'silent' });
    const dir = path.join(os.tmpdir(), `stroma-exports-shared-${process.pid}`);
    const bulk = { ...loadConfig({}).bulk, dir, pageSize: 10 };
    const servers = await Promise.all([0, 1].map(() => buildDependencies({ databaseUrl: database?.url, dbPoolSize: 4, baseUrl: TEST_BASE_URL, auth: AUTH_OFF, bulk }, logger)));
    try {
      const apps = servers.map((deps) => createApp({ ...deps, config: { baseUrl: TEST_BASE_URL, bodyLimitBytes: 1 << 24, bundleMaxEntries: 100, auth: AUTH_OFF } }));
      await storeAsGiven(servers[0].repo, patients('shared', 120));
      for (const deps of servers) await deps.bulk.worker.stop();
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await kickOff(apps[i % 2], '/fhir/$export?_type=Patient'));
      for (const deps of servers) deps.bulk.worker.start(); // both take jobs from the queue at once
      for (const status of statuses) {
        const manifest = await finishedManifest({ app: apps[1], deps: servers[1] } as unknown as TestApp, status);
        const output = await downloaded(apps[0], manifest.output);
        expect(output).toHaveLength(120);
        expect(new Set(output.map((r) => r.id)).size).toBe(120);
      }
    } finally {
      for (const deps of servers) {
        await deps.bulk.worker.stop();
        await deps.security.close();
        await deps.repo.close();
      }
      await rm(dir, { recursive: true, force: true });
      await database?.drop();
    }
  });
});
