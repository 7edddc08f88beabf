import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase, storeName } from '../helpers/test-app';
import { startServer } from '../helpers/server-process';
import { hemoglobin, patient } from '../helpers/fixtures';

const JSON_HEADERS = { 'Content-Type': 'application/fhir+json' };

describe(`durability of the real server process (${storeName()})`, () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'stroma-durability-'));
    env = database ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir };
    cleanup = async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  afterAll(() => cleanup());

  it('when the server is killed with SIGKILL right after 2xx answers, then every acknowledged write is there after restart', async () => {
    const server = await startServer(env);
    const created: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${server.baseUrl}/Patient`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(patient(`K-${i}`)) });
      expect(res.status).toBe(201);
      created.push(((await res.json()) as { id: string }).id);
    }
    const updated = await fetch(`${server.baseUrl}/Patient/${created[0]}`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...patient('K-0'), id: created[0], gender: 'male' }),
    });
    expect(updated.status).toBe(200);
    const tx = await fetch(server.baseUrl, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: Array.from({ length: 50 }, (_, i) => ({ fullUrl: `urn:uuid:k${i}`, resource: hemoglobin(`Patient/${created[1]}`), request: { method: 'POST', url: 'Observation' } })),
      }),
    });
    expect(tx.status).toBe(200);
    server.child.kill('SIGKILL');
    await server.exited;

    const restarted = await startServer(env);
    try {
      for (const id of created) {
        expect((await fetch(`${restarted.baseUrl}/Patient/${id}`)).status).toBe(200);
      }
      const first = (await (await fetch(`${restarted.baseUrl}/Patient/${created[0]}`)).json()) as { gender: string; meta: { versionId: string } };
      expect(first).toMatchObject({ gender: 'male', meta: { versionId: '2' } });
      const count = (await (await fetch(`${restarted.baseUrl}/Observation?subject=Patient/${created[1]}&_summary=count`)).json()) as { total: number };
      expect(count.total).toBe(50);
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });

  it('when SIGTERM arrives during a request, then the request completes, the store closes and the process exits 0', async () => {
    const server = await startServer(env);
    const subject = `Patient/${(await (await fetch(`${server.baseUrl}/Patient`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(patient('TERM')) })).json() as { id: string }).id}`;
    const body = JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: Array.from({ length: 1000 }, (_, i) => ({ fullUrl: `urn:uuid:t${i}`, resource: hemoglobin(subject), request: { method: 'POST', url: 'Observation' } })),
    });
    const inFlight = fetch(server.baseUrl, { method: 'POST', headers: JSON_HEADERS, body });
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await server.exited).toBe(0);

    const restarted = await startServer(env);
    try {
      const count = (await (await fetch(`${restarted.baseUrl}/Observation?subject=${subject}&_summary=count`)).json()) as { total: number };
      expect(count.total).toBe(1000);
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });
});
