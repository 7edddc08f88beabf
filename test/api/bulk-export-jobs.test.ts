import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Observation, Patient, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { downloaded, finishedManifest, kickOff } from '../helpers/bulk-client';
import { storeAsGiven } from '../helpers/seed';
import { tokenFor } from '../helpers/auth';
import { FHIR_JSON, storeName, useTestApp, type TestApp } from '../helpers/test-app';

const patient = (id: string, family: string): Patient => ({ resourceType: 'Patient', id, name: [{ family }], birthDate: '1970-01-01' });
const observation = (id: string, subject: string, value: number): Observation => ({
  resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
  subject: { reference: `Patient/${subject}` }, valueQuantity: { value, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
});

async function put(t: TestApp, resource: Resource): Promise<void> {
  await request(t.app).put(`/fhir/${resource.resourceType}/${resource.id}`).set('Content-Type', FHIR_JSON).send(resource).expect((r) => expect([200, 201]).toContain(r.status));
}

const statusOf = async (t: TestApp, status: string) => request(t.app).get(status);

describe(`Bulk Data $export jobs: _since, snapshots, cancel, restart (${storeName()})`, () => {
  const t = useTestApp({ bulk: { pageSize: 10, leaseSeconds: 1 } });

  it('when _since is given, then only what changed after it is in the output and what was deleted after it is in `deleted` as DELETE Bundles', async () => {
    await storeAsGiven(t.repo, [patient('since-a', 'Alpha'), patient('since-b', 'Bravo'), patient('since-c', 'Charlie')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await put(t, patient('since-a', 'Alpha-2'));
    await request(t.app).delete('/fhir/Patient/since-b').expect(200);
    await put(t, patient('since-d', 'Delta'));
    const manifest = await finishedManifest(t, await kickOff(t.app, `/fhir/$export?_type=Patient&_since=${encodeURIComponent(since)}`));
    const output = (await downloaded(t.app, manifest.output)) as Patient[];
    expect(output.map((p) => p.id).sort()).toEqual(['since-a', 'since-d']);
    expect(output.find((p) => p.id === 'since-a')?.name?.[0].family).toBe('Alpha-2');
    const deleted = (await downloaded(t.app, manifest.deleted)) as Bundle[];
    expect(manifest.deleted.every((f) => f.type === 'Bundle')).toBe(true);
    expect(deleted.map((b) => [b.type, b.entry?.[0].request?.method, b.entry?.[0].request?.url])).toEqual([['transaction', 'DELETE', 'Patient/since-b']]);
  });

  it('when resources change after the kick-off, then the export still holds them as they were at transactionTime', async () => {
    await storeAsGiven(t.repo, [patient('snap-a', 'Before'), patient('snap-gone', 'Gone-later')]);
    const status = await kickOff(t.app, '/fhir/$export?_type=Patient');
    await t.deps.bulk.worker.stop(); // the job waits while the store changes
    await put(t, patient('snap-a', 'After'));
    await put(t, patient('snap-new', 'Born-later'));
    await request(t.app).delete('/fhir/Patient/snap-gone').expect(200);
    t.deps.bulk.worker.start();
    const output = (await downloaded(t.app, (await finishedManifest(t, status)).output)) as Patient[];
    const byId = new Map(output.map((p) => [p.id, p]));
    expect(byId.get('snap-a')?.name?.[0].family).toBe('Before');
    expect(byId.has('snap-gone')).toBe(true);
    expect(byId.has('snap-new')).toBe(false);
  });

  it('when the status URL is DELETEd, then it answers 202, the files go, and the status URL answers 404', async () => {
    const status = await kickOff(t.app, '/fhir/$export?_type=Patient');
    const manifest = await finishedManifest(t, status);
    const jobId = status.split('/').pop() as string;
    await request(t.app).delete(status).expect(202);
    await request(t.app).get(status).expect(404);
    await request(t.app).get(new URL(manifest.output[0].url).pathname).expect(404);
    await t.deps.bulk.worker.drain();
    expect(existsSync(path.join(t.deps.bulk.dir, jobId))).toBe(false);
  });

  it('when the server stops in the middle of a job, then after the restart the job resumes and every resource is written exactly once', async () => {
    await storeAsGiven(t.repo, Array.from({ length: 5000 }, (_, i) => observation(`resume-${i}`, 'snap-a', i)));
    const status = await kickOff(t.app, '/fhir/$export?_type=Observation');
    let progress = '';
    while (!/^[1-9]\d* resources written/.test(progress)) {
      const polled = await statusOf(t, status);
      if (polled.status === 200) throw new Error('the job ended before the stop: nothing to resume');
      progress = polled.headers['x-progress'] as string;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await t.deps.bulk.worker.stop();
    const stopped = await statusOf(t, status);
    expect(stopped.status).toBe(202);
    const written = Number(/^(\d+)/.exec(stopped.headers['x-progress'] as string)?.[1]);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(5000);
    t.deps.bulk.worker.start();
    const output = await downloaded(t.app, (await finishedManifest(t, status)).output);
    expect(output).toHaveLength(5000);
    expect(new Set(output.map((r) => r.id)).size).toBe(5000);
  });
});

describe(`Bulk Data $export jobs belong to the client that started them (${storeName()})`, () => {
  const t = useTestApp({ auth: true });

  it('when another client polls, cancels or downloads a job, then the job does not exist for it (404); an ehr client may not export (403)', async () => {
    await storeAsGiven(t.repo, [patient('owned-a', 'Owner')]);
    const owner = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    const other = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    const status = await kickOff(t.app, '/fhir/$export?_type=Patient', owner);
    const manifest = await finishedManifest(t, status, owner);
    const file = new URL(manifest.output[0].url).pathname;
    await request(t.app).get(status).set(other).expect(404);
    await request(t.app).get(file).set(other).expect(404);
    await request(t.app).delete(status).set(other).expect(404);
    await request(t.app).get(file).expect(401);
    await request(t.app).get(file).set(owner).expect(200);
    const ehr = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'ehr')}` };
    await request(t.app).get('/fhir/$export').set({ ...ehr, Prefer: 'respond-async' }).expect(403);
  });
});
