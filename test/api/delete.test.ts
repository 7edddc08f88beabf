import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { patient } from '../helpers/fixtures';

describe(`delete (${storeName()})`, () => {
  const t = useTestApp();

  it('when a resource is deleted, then it is gone from read and search but its history stays', async () => {
    const p = (await request(t.app).post('/fhir/Patient').send(patient('DEL-1'))).body;
    const res = await request(t.app).delete(`/fhir/Patient/${p.id}`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect((await request(t.app).get(`/fhir/Patient/${p.id}`)).status).toBe(410);
    expect((await request(t.app).get('/fhir/Patient?identifier=DEL-1')).body.total).toBe(0);
    const history = await request(t.app).get(`/fhir/Patient/${p.id}/_history`);
    expect(history.body.entry).toHaveLength(2);
    expect(history.body.entry[0].request).toEqual({ method: 'DELETE', url: `Patient/${p.id}` });
    expect(history.body.entry[0].resource).toBeUndefined();
  });

  it('when what is deleted does not exist or is already deleted, then 200 and no new version', async () => {
    expect((await request(t.app).delete('/fhir/Patient/never-was')).status).toBe(200);
    const p = (await request(t.app).post('/fhir/Patient').send(patient())).body;
    await request(t.app).delete(`/fhir/Patient/${p.id}`);
    expect((await request(t.app).delete(`/fhir/Patient/${p.id}`)).status).toBe(200);
    expect((await request(t.app).get(`/fhir/Patient/${p.id}/_history`)).body.entry).toHaveLength(2);
  });

  it('when If-Match is stale, then the delete is refused with 412', async () => {
    const p = (await request(t.app).post('/fhir/Patient').send(patient())).body;
    await request(t.app).put(`/fhir/Patient/${p.id}`).send({ ...p, gender: 'male' });
    expect((await request(t.app).delete(`/fhir/Patient/${p.id}`).set('If-Match', 'W/"1"')).status).toBe(412);
    expect((await request(t.app).get(`/fhir/Patient/${p.id}`)).status).toBe(200);
  });

  it('when a conditional delete matches one, then it is deleted; several, then 412 and none is', async () => {
    const p = (await request(t.app).post('/fhir/Patient').send(patient('CD-1'))).body;
    expect((await request(t.app).delete('/fhir/Patient?identifier=CD-1')).status).toBe(200);
    expect((await request(t.app).get(`/fhir/Patient/${p.id}`)).status).toBe(410);
    await request(t.app).post('/fhir/Patient').send(patient('CD-2'));
    await request(t.app).post('/fhir/Patient').send(patient('CD-2'));
    expect((await request(t.app).delete('/fhir/Patient?identifier=CD-2')).status).toBe(412);
    expect((await request(t.app).get('/fhir/Patient?identifier=CD-2')).body.total).toBe(2);
    expect((await request(t.app).delete('/fhir/Patient?identifier=NOBODY')).status).toBe(200);
  });
});
