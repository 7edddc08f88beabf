import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { hemoglobin, patient } from '../helpers/fixtures';

interface Entry {
  fullUrl: string;
  resource?: { meta: { versionId: string } };
  request: { method: string; url: string };
  response: { status: string; etag: string; lastModified: string };
}

describe(`history (${storeName()})`, () => {
  const t = useTestApp();
  let id: string;
  let afterFirst: string;
  /** Before this test's writes: the server's copies of profiles/, stored at start, are older. */
  let started: string;
  beforeAll(async () => {
    await new Promise((r) => setTimeout(r, 5));
    started = encodeURIComponent(new Date().toISOString());
    await new Promise((r) => setTimeout(r, 5));
    const p = (await request(t.app).post('/fhir/Patient').send(patient('H-1'))).body;
    id = p.id;
    await new Promise((r) => setTimeout(r, 20));
    afterFirst = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await request(t.app).put(`/fhir/Patient/${id}`).send({ ...p, gender: 'male' });
    await request(t.app).delete(`/fhir/Patient/${id}`);
    for (let i = 0; i < 5; i++) {
      await request(t.app).post('/fhir/Observation').send(hemoglobin(`Patient/${id}`, 10 + i));
    }
  });

  it('when instance history is asked, then every version comes newest first with request and response', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}/_history`);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    const entries: Entry[] = res.body.entry;
    expect(entries.map((e) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
    expect(entries.map((e) => e.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
    expect(entries[2].response.status).toBe('201 Created');
    expect(entries[1].response.status).toBe('200 OK');
    expect(entries[2].request.url).toBe('Patient');
    expect(entries[1].resource?.meta.versionId).toBe('2');
  });

  it('when type and system history are asked, then they hold the writes of that type and of all types', async () => {
    const type = await request(t.app).get('/fhir/Observation/_history');
    expect(type.body.entry).toHaveLength(5);
    const system = await request(t.app).get(`/fhir/_history?_since=${started}`);
    expect(system.body.entry).toHaveLength(8);
  });

  it('when a type has no history, then the Bundle has no entry at all (FHIR JSON has no empty arrays)', async () => {
    const res = await request(t.app).get('/fhir/Basic/_history').expect(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(res.body).not.toHaveProperty('entry');
  });

  it('when _since is given, then only versions written since then come back', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}/_history?_since=${encodeURIComponent(afterFirst)}`);
    expect(res.body.entry.map((e: Entry) => e.request.method)).toEqual(['DELETE', 'PUT']);
    expect((await request(t.app).get('/fhir/_history?_since=2024-01-01')).status).toBe(400);
  });

  it('when _at is given, then the versions current at that time come back', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}/_history?_at=${encodeURIComponent(afterFirst)}`);
    expect(res.body.entry.map((e: Entry) => e.response.etag)).toEqual(['W/"1"']);
    expect((await request(t.app).get('/fhir/_history?_at=yesterday')).status).toBe(400);
  });

  it('when _count pages the history, then following next links visits every version once even as writes arrive', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/fhir/_history?_count=3&_since=${started}`;
    let pages = 0;
    while (url) {
      const res = await request(t.app).get(url);
      expect(res.status).toBe(200);
      seen.push(...res.body.entry.map((e: Entry) => `${e.fullUrl}@${e.response.etag}`));
      if (pages === 0) {
        await request(t.app).post('/fhir/Observation').send(hemoglobin(`Patient/${id}`, 99));
      }
      const next = res.body.link.find((l: { relation: string }) => l.relation === 'next');
      url = next ? next.url.replace('http://localhost', '') : undefined;
      pages++;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(pages).toBe(3);
  });

  it('when the resource never existed, then instance history answers 404', async () => {
    expect((await request(t.app).get('/fhir/Patient/nobody/_history')).status).toBe(404);
  });
});
