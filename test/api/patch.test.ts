import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { patient } from '../helpers/fixtures';

const JSON_PATCH = 'application/json-patch+json';

describe(`patch (${storeName()})`, () => {
  const t = useTestApp();

  const create = async (mrn = 'P-1') => (await request(t.app).post('/fhir/Patient').send(patient(mrn))).body;
  const patchOf = (path: string, ops: unknown) => request(t.app).patch(path).set('Content-Type', JSON_PATCH).send(JSON.stringify(ops));

  it('when a JSON Patch is applied, then a new version holds the change', async () => {
    const p = await create();
    const res = await patchOf(`/fhir/Patient/${p.id}`, [
      { op: 'test', path: '/gender', value: 'female' },
      { op: 'replace', path: '/gender', value: 'male' },
      { op: 'add', path: '/name/0/given/-', value: 'Louise' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.body.gender).toBe('male');
    expect(res.body.name[0].given).toEqual(['Marie', 'Louise']);
    const history = await request(t.app).get(`/fhir/Patient/${p.id}/_history`);
    expect(history.body.entry[0].request.method).toBe('PATCH');
  });

  it('when a test operation fails or a path does not exist, then 422 and nothing changes', async () => {
    const p = await create();
    expect((await patchOf(`/fhir/Patient/${p.id}`, [{ op: 'test', path: '/gender', value: 'male' }])).status).toBe(422);
    expect((await patchOf(`/fhir/Patient/${p.id}`, [{ op: 'remove', path: '/nothing/here' }])).status).toBe(422);
    expect((await request(t.app).get(`/fhir/Patient/${p.id}`)).body.meta.versionId).toBe('1');
  });

  it('when the patch document is malformed, then 400; when it is sent as plain JSON, then 415', async () => {
    const p = await create();
    expect((await patchOf(`/fhir/Patient/${p.id}`, { op: 'replace' })).status).toBe(400);
    expect((await patchOf(`/fhir/Patient/${p.id}`, [{ op: 'jump', path: '/gender' }])).status).toBe(400);
    const plain = await request(t.app).patch(`/fhir/Patient/${p.id}`).set('Content-Type', 'application/fhir+json').send([]);
    expect(plain.status).toBe(415);
  });

  it('when a patch would change the id or type, then 422', async () => {
    const p = await create();
    expect((await patchOf(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/id', value: 'x' }])).status).toBe(422);
    expect((await patchOf(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/resourceType', value: 'Group' }])).status).toBe(422);
  });

  it('when If-Match is stale, then 412; when the target is missing, then 404; deleted, then 410', async () => {
    const p = await create();
    const op = [{ op: 'replace', path: '/gender', value: 'other' }];
    expect((await patchOf(`/fhir/Patient/${p.id}`, op).set('If-Match', 'W/"9"')).status).toBe(412);
    expect((await patchOf('/fhir/Patient/missing', op)).status).toBe(404);
    await request(t.app).delete(`/fhir/Patient/${p.id}`);
    expect((await patchOf(`/fhir/Patient/${p.id}`, op)).status).toBe(410);
  });

  it('when a conditional patch matches one resource, then that one is patched', async () => {
    const p = await create('CP-1');
    const res = await patchOf('/fhir/Patient?identifier=CP-1', [{ op: 'replace', path: '/gender', value: 'other' }]);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.id);
    expect((await patchOf('/fhir/Patient?identifier=NOBODY', [])).status).toBe(404);
  });
});
