import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { hemoglobin, patient } from '../helpers/fixtures';

const post = (fullUrl: string, resource: BundleEntry['resource'], extra: Partial<BundleEntry['request']> = {}): BundleEntry => ({
  fullUrl,
  resource,
  request: { method: 'POST', url: resource?.resourceType as string, ...extra },
});

describe(`batch and transaction (${storeName()})`, () => {
  const t = useTestApp({ bundleMaxEntries: 1500 });

  const send = (bundle: Bundle) => request(t.app).post('/fhir').send(bundle);

  it('when a transaction links entries by urn:uuid, then the references point at the ids given', async () => {
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        post('urn:uuid:11111111-1111-4111-8111-111111111111', hemoglobin('urn:uuid:22222222-2222-4222-8222-222222222222')),
        post('urn:uuid:22222222-2222-4222-8222-222222222222', patient('TX-1')),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [obs, pat] = res.body.entry as BundleEntry[];
    expect(obs.response?.status).toBe('201 Created');
    expect(pat.response?.location).toMatch(/^Patient\/[0-9a-f-]{36}\/_history\/1$/);
    expect(obs.resource?.resourceType).toBe('Observation');
    const stored = await request(t.app).get(`/fhir/Observation/${obs.resource?.id}`);
    expect(stored.body.subject.reference).toBe(`Patient/${pat.resource?.id}`);
  });

  it('when an entry fails, then nothing of the transaction is stored and the error names the entry', async () => {
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        post('urn:uuid:a', patient('ROLLBACK')),
        { request: { method: 'PUT', url: 'Patient/wrong-id' }, resource: { ...patient(), id: 'other-id' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toContain('Bundle.entry[1]');
    expect((await request(t.app).get('/fhir/Patient?identifier=ROLLBACK')).body.total).toBe(0);
  });

  it('when a transaction has deletes, creates, updates and reads, then they run in the R4 order', async () => {
    const existing = (await request(t.app).post('/fhir/Patient').send(patient('ORDER-OLD'))).body;
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: 'Patient?identifier=ORDER-NEW' } },
        { request: { method: 'PUT', url: 'Patient/order-put' }, resource: { ...patient('ORDER-PUT'), id: 'order-put' } },
        post('urn:uuid:new', patient('ORDER-NEW')),
        { request: { method: 'DELETE', url: `Patient/${existing.id}` } },
      ],
    });
    expect(res.status).toBe(200);
    const [search, put, created, deleted] = res.body.entry as BundleEntry[];
    expect((search.resource as Bundle).total).toBe(1);
    expect(put.response?.status).toBe('201 Created');
    expect(created.response?.status).toBe('201 Created');
    expect(deleted.response?.status).toBe('200 OK');
    expect((await request(t.app).get(`/fhir/Patient/${existing.id}`)).status).toBe(410);
  });

  it('when entries use conditional create and conditional references, then they resolve to existing resources', async () => {
    const existing = (await request(t.app).post('/fhir/Patient').send(patient('COND-TX'))).body;
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        post('urn:uuid:p', patient('COND-TX'), { ifNoneExist: 'identifier=COND-TX' }),
        post('urn:uuid:o1', hemoglobin('urn:uuid:p')),
        post('urn:uuid:o2', hemoglobin('Patient?identifier=http://hospital.example.org/mrn|COND-TX')),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('200 OK');
    for (const i of [1, 2]) {
      const obs = await request(t.app).get(`/fhir/Observation/${res.body.entry[i].resource.id}`);
      expect(obs.body.subject.reference).toBe(`Patient/${existing.id}`);
    }
  });

  it('when a conditional reference matches nothing, then the transaction fails with 412', async () => {
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [post('urn:uuid:o', hemoglobin('Patient?identifier=NO-SUCH'))],
    });
    expect(res.status).toBe(412);
    expect(res.body.issue[0].diagnostics).toContain('Bundle.entry[0]');
  });

  it('when two entries of a transaction write the same resource, then it is refused with 400', async () => {
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'PUT', url: 'Patient/twice' }, resource: { ...patient('TWICE'), id: 'twice' } },
        { request: { method: 'DELETE', url: 'Patient/twice' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toContain('Patient/twice');
    expect((await request(t.app).get('/fhir/Patient/twice')).status).toBe(404);
  });

  it('when a PATCH entry carries a Binary JSON Patch, then it is applied', async () => {
    const p = (await request(t.app).post('/fhir/Patient').send(patient('TX-PATCH'))).body;
    const data = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'other' }])).toString('base64');
    const res = await send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'PATCH', url: `Patient/${p.id}` }, resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data } }],
    });
    expect(res.status).toBe(200);
    expect((await request(t.app).get(`/fhir/Patient/${p.id}`)).body.gender).toBe('other');
  });

  it('when a batch has good and bad entries, then each gets its own status and the good ones are stored', async () => {
    const res = await send({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        post('urn:uuid:b1', patient('BATCH-1')),
        { request: { method: 'GET', url: 'Patient/not-there' } },
        { request: { method: 'POST', url: 'Patient' }, resource: hemoglobin('Patient/x') },
        { request: { url: 'Patient' } } as BundleEntry,
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    const statuses = res.body.entry.map((e: BundleEntry) => e.response?.status);
    expect(statuses).toEqual(['201 Created', '404 Not Found', '400 Bad Request', '400 Bad Request']);
    expect(res.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect((await request(t.app).get('/fhir/Patient?identifier=BATCH-1')).body.total).toBe(1);
  });

  it('when the Bundle is not a batch or transaction, or too large, then it is refused', async () => {
    expect((await send({ resourceType: 'Bundle', type: 'collection' })).status).toBe(400);
    expect((await request(t.app).post('/fhir').send(patient())).status).toBe(400);
    const big: Bundle = { resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 1501 }, () => ({ request: { method: 'GET', url: 'metadata' } })) };
    expect((await send(big)).status).toBe(413);
  });

  it('when a transaction has 1,000 entries, then all are committed together', async () => {
    const p = (await request(t.app).post('/fhir/Patient').send(patient('BIG'))).body;
    const entry = Array.from({ length: 1000 }, (_, i) => post(`urn:uuid:obs-${i}`, hemoglobin(`Patient/${p.id}`, 10 + (i % 7))));
    const res = await send({ resourceType: 'Bundle', type: 'transaction', entry });
    expect(res.status).toBe(200);
    expect(res.body.entry).toHaveLength(1000);
    const count = await request(t.app).get(`/fhir/Observation?subject=Patient/${p.id}&_summary=count`);
    expect(count.body.total).toBe(1000);
  });

  it('when Prefer: return=minimal, then transaction entries carry only their responses', async () => {
    const res = await request(t.app)
      .post('/fhir')
      .set('Prefer', 'return=minimal')
      .send({ resourceType: 'Bundle', type: 'transaction', entry: [post('urn:uuid:m', patient('MIN'))] });
    expect(res.body.entry[0].resource).toBeUndefined();
    expect(res.body.entry[0].response.location).toBeDefined();
  });
});
