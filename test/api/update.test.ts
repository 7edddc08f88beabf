import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { patient } from '../helpers/fixtures';

describe(`update (${storeName()})`, () => {
  const t = useTestApp();

  const create = async (mrn = 'U-1') => (await request(t.app).post('/fhir/Patient').send(patient(mrn))).body;

  it('when a resource is updated, then its version increases and 200 returns it', async () => {
    const p = await create();
    const res = await request(t.app).put(`/fhir/Patient/${p.id}`).send({ ...p, gender: 'male' });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.body.gender).toBe('male');
  });

  it('when an update changes a searched value, then search finds the new value and not the old one', async () => {
    const p = await create('OLD-MRN');
    await request(t.app).put(`/fhir/Patient/${p.id}`).send({ ...p, identifier: [{ system: 'http://hospital.example.org/mrn', value: 'NEW-MRN' }] });
    expect((await request(t.app).get('/fhir/Patient?identifier=OLD-MRN')).body.total).toBe(0);
    expect((await request(t.app).get('/fhir/Patient?identifier=NEW-MRN')).body.total).toBe(1);
  });

  it('when the client names a new id, then the update creates it with 201 (update as create)', async () => {
    const res = await request(t.app).put('/fhir/Patient/client-chosen-1').send({ ...patient(), id: 'client-chosen-1' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('http://localhost/fhir/Patient/client-chosen-1/_history/1');
  });

  it('when the body id is missing or differs from the URL, then 400', async () => {
    const p = await create();
    expect((await request(t.app).put(`/fhir/Patient/${p.id}`).send(patient())).status).toBe(400);
    const mismatch = await request(t.app).put(`/fhir/Patient/${p.id}`).send({ ...patient(), id: 'other' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issue[0].expression).toEqual(['Patient.id']);
  });

  it('when nothing changes, then no new version is written', async () => {
    const p = await create();
    const res = await request(t.app).put(`/fhir/Patient/${p.id}`).send(p);
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('1');
  });

  it('when If-Match names the current version, then the update succeeds; a stale one, then 412', async () => {
    const p = await create();
    const ok = await request(t.app).put(`/fhir/Patient/${p.id}`).set('If-Match', 'W/"1"').send({ ...p, gender: 'male' });
    expect(ok.status).toBe(200);
    const stale = await request(t.app).put(`/fhir/Patient/${p.id}`).set('If-Match', 'W/"1"').send({ ...p, gender: 'other' });
    expect(stale.status).toBe(412);
    expect((await request(t.app).get(`/fhir/Patient/${p.id}`)).body.gender).toBe('male');
  });

  it('when ten writers race with the same If-Match, then exactly one wins and no update is lost', async () => {
    const p = await create('RACE');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        request(t.app).put(`/fhir/Patient/${p.id}`).set('If-Match', 'W/"1"').send({ ...p, name: [{ family: `Writer${i}` }] }),
      ),
    );
    const winners = responses.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(9);
    const current = await request(t.app).get(`/fhir/Patient/${p.id}`);
    expect(current.body.meta.versionId).toBe('2');
    expect(current.body.name).toEqual(winners[0].body.name);
  });

  it('when ten writers race without If-Match, then every write becomes its own version', async () => {
    const p = await create('SERIAL');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => request(t.app).put(`/fhir/Patient/${p.id}`).send({ ...p, name: [{ family: `W${i}` }] })),
    );
    const history = await request(t.app).get(`/fhir/Patient/${p.id}/_history?_count=50`);
    expect(history.body.entry).toHaveLength(11);
    const versions = history.body.entry.map((e: { resource: { meta: { versionId: string } } }) => Number(e.resource.meta.versionId));
    expect(versions).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('when a conditional update matches one, then that one is updated; none, then created; several, then 412', async () => {
    const url = '/fhir/Patient?identifier=http://hospital.example.org/mrn|CU-1';
    const created = await request(t.app).put(url).send(patient('CU-1'));
    expect(created.status).toBe(201);
    const updated = await request(t.app).put(url).send({ ...patient('CU-1'), gender: 'male' });
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    expect(updated.body.meta.versionId).toBe('2');
    await create('CU-MANY');
    await create('CU-MANY');
    const many = await request(t.app).put('/fhir/Patient?identifier=CU-MANY').send(patient('CU-MANY'));
    expect(many.status).toBe(412);
  });

  it('when a deleted resource is updated, then it comes back as a new version with 201', async () => {
    const p = await create();
    await request(t.app).delete(`/fhir/Patient/${p.id}`);
    const res = await request(t.app).put(`/fhir/Patient/${p.id}`).send(p);
    expect(res.status).toBe(201);
    expect(res.body.meta.versionId).toBe('3');
  });
});
