import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { hemoglobin, patient } from '../helpers/fixtures';

describe(`read and vread (${storeName()})`, () => {
  const t = useTestApp();
  let id: string;
  beforeAll(async () => {
    const withText = { ...patient(), text: { status: 'generated' as const, div: '<div xmlns="http://www.w3.org/1999/xhtml">Marie</div>' } };
    id = (await request(t.app).post('/fhir/Patient').send(withText)).body.id;
    await request(t.app).put(`/fhir/Patient/${id}`).send({ ...withText, id, gender: 'other' });
  });

  it('when a resource is read, then the current version comes with ETag and Last-Modified', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.body.gender).toBe('other');
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.headers['last-modified']).toBeDefined();
    expect(Object.keys(res.body).slice(0, 3)).toEqual(['resourceType', 'id', 'meta']);
  });

  it('when an old version is read with vread, then it is returned as it was', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}/_history/1`);
    expect(res.status).toBe(200);
    expect(res.body.gender).toBe('female');
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.etag).toBe('W/"1"');
    expect((await request(t.app).get(`/fhir/Patient/${id}/_history/7`)).status).toBe(404);
    expect((await request(t.app).get(`/fhir/Patient/${id}/_history/x`)).status).toBe(404);
  });

  it('when If-None-Match names the current version, then 304; an older one, then 200', async () => {
    expect((await request(t.app).get(`/fhir/Patient/${id}`).set('If-None-Match', 'W/"2"')).status).toBe(304);
    expect((await request(t.app).get(`/fhir/Patient/${id}`).set('If-None-Match', 'W/"1"')).status).toBe(200);
  });

  it('when If-Modified-Since is at or after the last update, then 304; before it, then 200', async () => {
    const current = await request(t.app).get(`/fhir/Patient/${id}`);
    const lastModified = current.headers['last-modified'] as string;
    expect((await request(t.app).get(`/fhir/Patient/${id}`).set('If-Modified-Since', lastModified)).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await request(t.app).get(`/fhir/Patient/${id}`).set('If-Modified-Since', earlier)).status).toBe(200);
  });

  it('when _summary=true, then only summary elements come back, marked SUBSETTED', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}?_summary=true`);
    expect(res.body.text).toBeUndefined();
    expect(res.body.name).toBeDefined();
    expect(res.body.meta.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
  });

  it('when _summary=text or data, then text alone or everything but text comes back', async () => {
    const text = await request(t.app).get(`/fhir/Patient/${id}?_summary=text`);
    expect(text.body.text).toBeDefined();
    expect(text.body.name).toBeUndefined();
    const data = await request(t.app).get(`/fhir/Patient/${id}?_summary=data`);
    expect(data.body.text).toBeUndefined();
    expect(data.body.birthDate).toBe('1968-04-12');
  });

  it('when _elements lists elements, then only those (and id, meta) come back, choice types included', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}?_elements=birthDate`);
    expect(Object.keys(res.body).sort()).toEqual(['birthDate', 'id', 'meta', 'resourceType']);
    const obs = (await request(t.app).post('/fhir/Observation').send(hemoglobin(`Patient/${id}`))).body;
    const value = await request(t.app).get(`/fhir/Observation/${obs.id}?_elements=value`);
    expect(value.body.valueQuantity.value).toBe(12.5);
    expect(value.body.code).toBeDefined(); // mandatory elements stay
    expect(value.body.subject).toBeUndefined();
  });

  it('when _pretty=true, then the JSON is indented', async () => {
    const res = await request(t.app).get(`/fhir/Patient/${id}?_pretty=true`);
    expect(res.text).toContain('\n  "resourceType": "Patient"');
  });

  it('when a resource is deleted, then read answers 410 and vread of the deletion 410', async () => {
    const doomed = (await request(t.app).post('/fhir/Patient').send(patient('GONE'))).body.id;
    await request(t.app).delete(`/fhir/Patient/${doomed}`);
    const read = await request(t.app).get(`/fhir/Patient/${doomed}`);
    expect(read.status).toBe(410);
    expect(read.body.issue[0].code).toBe('deleted');
    expect((await request(t.app).get(`/fhir/Patient/${doomed}/_history/2`)).status).toBe(410);
    expect((await request(t.app).get(`/fhir/Patient/${doomed}/_history/1`)).status).toBe(200);
  });

  it('when HEAD is used, then the headers come without a body', async () => {
    const res = await request(t.app).head(`/fhir/Patient/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.text).toBeUndefined();
  });
});
