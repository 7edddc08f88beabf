import request from 'supertest';
import { useTestApp, FHIR_JSON, storeName } from '../helpers/test-app';
import { patient } from '../helpers/fixtures';

describe(`create (${storeName()})`, () => {
  const t = useTestApp();

  it('when a Patient is posted, then it gets a server id, version 1 and Location, ETag and Last-Modified', async () => {
    const res = await request(t.app).post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ ...patient(), id: 'client-id' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.id).not.toBe('client-id');
    expect(res.body.meta.versionId).toBe('1');
    expect(Date.parse(res.body.meta.lastUpdated)).not.toBeNaN();
    expect(res.headers.location).toBe(`http://localhost/fhir/Patient/${res.body.id}/_history/1`);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers['last-modified']).toBe(new Date(res.body.meta.lastUpdated).toUTCString());
    const read = await request(t.app).get(`/fhir/Patient/${res.body.id}`);
    expect(read.body.name).toEqual(patient().name);
  });

  it('when the client sets meta.versionId and lastUpdated, then the server replaces them', async () => {
    const res = await request(t.app)
      .post('/fhir/Patient')
      .send({ ...patient(), meta: { versionId: '99', lastUpdated: '2000-01-01T00:00:00Z', tag: [{ code: 'keep' }] } });
    expect(res.status).toBe(201);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.body.meta.lastUpdated).not.toBe('2000-01-01T00:00:00Z');
    expect(res.body.meta.tag).toEqual([{ code: 'keep' }]);
  });

  it('when Prefer: return=minimal, then the body is empty; with return=OperationOutcome, an outcome', async () => {
    const minimal = await request(t.app).post('/fhir/Patient').set('Prefer', 'return=minimal').send(patient());
    expect(minimal.status).toBe(201);
    expect(minimal.text).toBe('');
    expect(minimal.headers.location).toBeDefined();
    const outcome = await request(t.app).post('/fhir/Patient').set('Prefer', 'return=OperationOutcome').send(patient());
    expect(outcome.status).toBe(201);
    expect(outcome.body.resourceType).toBe('OperationOutcome');
  });

  it('when a Bundle resource is created with Prefer: return=minimal, then the body is empty like any create', async () => {
    const res = await request(t.app).post('/fhir/Bundle').set('Prefer', 'return=minimal').send({ resourceType: 'Bundle', type: 'collection' });
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
  });

  it('when If-None-Exist matches nothing, then it creates; when it matches one, then 200 with that one', async () => {
    const criteria = 'identifier=http://hospital.example.org/mrn|COND-1';
    const first = await request(t.app).post('/fhir/Patient').set('If-None-Exist', criteria).send(patient('COND-1'));
    expect(first.status).toBe(201);
    const second = await request(t.app).post('/fhir/Patient').set('If-None-Exist', criteria).send(patient('COND-1'));
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });

  it('when If-None-Exist matches several, then 412 and nothing is created', async () => {
    await request(t.app).post('/fhir/Patient').send(patient('DUP', 'Twin'));
    await request(t.app).post('/fhir/Patient').send(patient('DUP', 'Twin'));
    const res = await request(t.app).post('/fhir/Patient').set('If-None-Exist', 'family=Twin').send(patient('DUP', 'Twin'));
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const search = await request(t.app).get('/fhir/Patient?family=Twin');
    expect(search.body.total).toBe(2);
  });

  it('when ten identical conditional creates race, then exactly one resource exists', async () => {
    const criteria = 'identifier=http://hospital.example.org/mrn|RACE-1';
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => request(t.app).post('/fhir/Patient').set('If-None-Exist', criteria).send(patient('RACE-1'))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const search = await request(t.app).get(`/fhir/Patient?${criteria}`);
    expect(search.body.total).toBe(1);
  });

  it('when If-None-Exist has an unknown parameter, then 400 rather than a wider match', async () => {
    const res = await request(t.app).post('/fhir/Patient').set('If-None-Exist', 'nonsense=1').send(patient());
    expect(res.status).toBe(400);
    expect(res.body.issue[0].code).toBe('invalid');
  });

  it('when the body is of another type than the URL, then 400 naming resourceType', async () => {
    const res = await request(t.app).post('/fhir/Observation').send(patient());
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['resourceType']);
  });

  it('when the body is not a resource, then 400', async () => {
    for (const body of [[1, 2], { foo: 'bar' }, '"text"']) {
      const res = await request(t.app).post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(body);
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });
});
