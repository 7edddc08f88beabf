import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import request from 'supertest';
import { tokenFor } from '../helpers/auth';
import { hemoglobin, patient } from '../helpers/fixtures';
import { makeParticipant } from '../helpers/participant';
import { storeName, useTestApp } from '../helpers/test-app';

const post = (resource: object, url: string): BundleEntry => ({ resource: resource as BundleEntry['resource'], request: { method: 'POST', url } });

/** Bundle entries and _include/_revinclude never cross a role's boundary. */
describe(`roles in Bundles and includes (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let admin: string;
  let ehr: string;
  let registry: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    admin = await tokenFor(t.app, t.authStore, 'admin');
    ehr = await tokenFor(t.app, t.authStore, 'ehr');
    registry = await tokenFor(t.app, t.authStore, 'registry');
    await request(t.app).put('/fhir/Patient/p1').set(as(admin)).send({ ...patient(), id: 'p1' }).expect(201);
    await makeParticipant(t.app, 'Patient/p1', as(admin));
  });

  it('when a transaction holds one entry the role may not write, then 403 for the whole and nothing is stored', async () => {
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [post(hemoglobin('Patient/p1', 9.1), 'Observation'), post({ ...patient('MRN-T'), id: 'x' }, 'Patient/x')] };
    bundle.entry![1].request = { method: 'PUT', url: 'Patient/x' };
    const res = await request(t.app).post('/fhir').set(as(ehr)).send({ ...bundle, type: 'transaction' });
    // A Patient entry an EHR sends in a Bundle names the patient of its results: it is matched, never written.
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/No Patient here has the identifier/);
    const stored = await request(t.app).get('/fhir/Observation?value-quantity=9.1').set(as(admin)).expect(200);
    expect(stored.body.entry ?? []).toHaveLength(0);
  });

  it('when a batch holds such an entry, then that entry alone gets 403', async () => {
    const bundle: Bundle = { resourceType: 'Bundle', type: 'batch', entry: [post(hemoglobin('Patient/p1', 9.2), 'Observation'), { request: { method: 'DELETE', url: 'Patient/p1' } }] };
    const res = await request(t.app).post('/fhir').set(as(ehr)).send(bundle).expect(200);
    expect(res.body.entry.map((e: BundleEntry) => e.response?.status)).toEqual([expect.stringMatching(/^201/), expect.stringMatching(/^403/)]);
  });

  it('when a batch reads what the role may not, then the entry is refused as a direct read would be', async () => {
    const bundle: Bundle = { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient/p1' } }, { request: { method: 'GET', url: 'AuditEvent' } }] };
    const res = await request(t.app).post('/fhir').set(as(ehr)).send(bundle).expect(200);
    expect(res.body.entry.map((e: BundleEntry) => e.response?.status)).toEqual([expect.stringMatching(/^403/), expect.stringMatching(/^403/)]);
  });

  it('when the ehr role includes the Patient of its labs, then the Patient is left out', async () => {
    await request(t.app).post('/fhir/Observation').set(as(ehr)).send(hemoglobin('Patient/p1', 10.4)).expect(201);
    const res = await request(t.app).get('/fhir/Observation?subject=Patient/p1&_include=Observation:subject').set(as(ehr)).expect(200);
    const types = res.body.entry.map((e: BundleEntry) => e.resource?.resourceType);
    expect(types).toContain('Observation');
    expect(types).not.toContain('Patient');
  });

  it('when the registry role includes the Patient of a lab, then the Patient comes de-identified as a direct read would', async () => {
    const lab = await request(t.app).post('/fhir/Observation').set(as(admin)).send(hemoglobin('Patient/p1', 10.9)).expect(201);
    const res = await request(t.app).get(`/fhir/Observation?_id=${lab.body.id}&_include=Observation:subject`).set(as(registry)).expect(200);
    const types = res.body.entry.map((e: BundleEntry) => e.resource?.resourceType);
    expect(types).toEqual(['Observation', 'Patient']);
    const included = res.body.entry[1].resource;
    expect(included).not.toHaveProperty('name');
    expect(included).not.toHaveProperty('identifier');
    expect(included.meta.security).toEqual([expect.objectContaining({ code: 'MASKED' })]);
  });

  it('when the ehr role searches every type at once, then it finds only its own labs', async () => {
    const res = await request(t.app).get('/fhir?_type=Observation').set(as(ehr)).expect(200);
    for (const entry of res.body.entry ?? []) expect(entry.resource.meta.source).toMatch(/client\/ehr-/);
  });
});
