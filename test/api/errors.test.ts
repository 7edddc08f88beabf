import request from 'supertest';
import { useTestApp, FHIR_JSON, storeName } from '../helpers/test-app';
import { patient } from '../helpers/fixtures';

describe(`errors (${storeName()})`, () => {
  const t = useTestApp({ bodyLimitBytes: 2048 });

  const expectOutcome = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe(code);
    expect(res.headers['x-request-id']).toBeDefined();
  };

  it('when the JSON is malformed, then 400 structure and nothing is stored', async () => {
    const res = await request(t.app).post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('{"resourceType": "Patient", ');
    expectOutcome(res, 400, 'structure');
    const all = await request(t.app).get('/fhir/Patient');
    expect(all.body.total).toBe(0);
  });

  it('when the resource type is unknown, then 404', async () => {
    expectOutcome(await request(t.app).get('/fhir/Unicorn/1'), 404, 'not-supported');
    expectOutcome(await request(t.app).post('/fhir/Unicorn').send({ resourceType: 'Unicorn' }), 404, 'not-supported');
  });

  it('when the id is unknown, then 404; when the id is malformed, then 400', async () => {
    expectOutcome(await request(t.app).get('/fhir/Patient/does-not-exist'), 404, 'not-found');
    expectOutcome(await request(t.app).get('/fhir/Patient/bad%20id!'), 400, 'invalid');
  });

  it('when the body is over the configured limit, then 413', async () => {
    const big = { ...patient(), text: { status: 'generated', div: `<div>${'x'.repeat(4096)}</div>` } };
    expectOutcome(await request(t.app).post('/fhir/Patient').send(big), 413, 'too-costly');
  });

  it('when the content type is XML or text, then 415', async () => {
    const xml = await request(t.app).post('/fhir/Patient').set('Content-Type', 'application/fhir+xml').send('<Patient/>');
    expectOutcome(xml, 415, 'not-supported');
    const text = await request(t.app).post('/fhir/Patient').set('Content-Type', 'text/plain').send('hello');
    expectOutcome(text, 415, 'not-supported');
  });

  it('when XML is asked for by Accept or _format, then 406', async () => {
    expectOutcome(await request(t.app).get('/fhir/metadata').set('Accept', 'application/fhir+xml'), 406, 'not-supported');
    expectOutcome(await request(t.app).get('/fhir/metadata?_format=xml'), 406, 'not-supported');
    const json = await request(t.app).get('/fhir/metadata?_format=json').set('Accept', 'application/json');
    expect(json.status).toBe(200);
  });

  it('when a method does not apply to the path, then 405', async () => {
    expectOutcome(await request(t.app).delete('/fhir/metadata'), 405, 'not-supported');
    expectOutcome(await request(t.app).put('/fhir/Patient/1/_history/1').send(patient()), 405, 'not-supported');
  });

  it('when the path is not a FHIR path, then 404 with an outcome', async () => {
    expectOutcome(await request(t.app).get('/nowhere'), 404, 'not-found');
    expectOutcome(await request(t.app).get('/fhir/Patient/1/_history/1/extra'), 404, 'not-found');
  });

  it('when the client sends X-Request-Id, then it is echoed; otherwise one is made', async () => {
    const echoed = await request(t.app).get('/fhir/metadata').set('X-Request-Id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const made = await request(t.app).get('/fhir/metadata').set('X-Request-Id', 'not safe <script>');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when an unexpected error happens, then a generic 500 reveals no details', async () => {
    const failing = jest.spyOn(t.repo, 'read').mockRejectedValueOnce(new Error('secret SQL detail'));
    const res = await request(t.app).get('/fhir/Patient/abc');
    failing.mockRestore();
    expectOutcome(res, 500, 'exception');
    expect(res.text).not.toContain('secret SQL detail');
  });
});
