import type { AuditEvent, BundleEntry } from '@medplum/fhirtypes';
import request from 'supertest';
import { tokenFor } from '../helpers/auth';
import { hemoglobin, patient } from '../helpers/fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

/** Every read, search, write and failed authorization leaves an AuditEvent that admins can search. */
describe(`the audit trail (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let admin: string;
  let investigator: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const events = async (query: string): Promise<AuditEvent[]> => {
    await t.deps.security.audit.flush();
    const res = await request(t.app).get(`/fhir/AuditEvent?${query}&_count=100`).set(as(admin)).expect(200);
    return (res.body.entry ?? []).map((e: BundleEntry) => e.resource as AuditEvent);
  };

  beforeAll(async () => {
    admin = await tokenFor(t.app, t.authStore, 'admin');
    investigator = await tokenFor(t.app, t.authStore, 'investigator');
    await request(t.app).put('/fhir/Patient/p1').set(as(admin)).send({ ...patient(), id: 'p1' }).expect(201);
  });

  it('when an investigator reads a Patient, then an AuditEvent names the client, the Patient, the read and success', async () => {
    await request(t.app).get('/fhir/Patient/p1').set(as(investigator)).expect(200);
    const reads = (await events('subtype=read&entity=Patient/p1')).filter((e) => e.agent?.[0]?.who?.identifier?.value?.startsWith('investigator-'));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ action: 'R', outcome: '0' });
    expect(reads[0].agent?.[0]?.network?.address).toBeTruthy();
  });

  it('when a search and a create are made, then each is recorded with its action', async () => {
    await request(t.app).get('/fhir/Observation?subject=Patient/p1').set(as(investigator)).expect(200);
    const created = await request(t.app).post('/fhir/Observation').set(as(investigator)).send(hemoglobin('Patient/p1')).expect(201);
    expect(await events('subtype=search-type')).not.toHaveLength(0);
    const creates = await events(`subtype=create&entity=Observation/${created.body.id}`);
    expect(creates).toHaveLength(1);
    expect(creates[0].action).toBe('C');
  });

  it('when a request has no valid token or is forbidden, then the failure is recorded too', async () => {
    await request(t.app).get('/fhir/Patient/p1').set('Authorization', 'Bearer forged').expect(401);
    await request(t.app).get('/fhir/AuditEvent').set(as(investigator)).expect(403);
    const failures = await events('outcome=4');
    expect(failures.some((e) => e.agent?.every((a) => !a.who?.identifier) && e.outcome === '4')).toBe(true);
    expect(failures.some((e) => e.agent?.[0]?.who?.identifier?.value?.startsWith('investigator-'))).toBe(true);
    expect(JSON.stringify(failures)).not.toMatch(/forged/); // a token never reaches the trail
  });

  it('when the token endpoint is used, then the token request is recorded', async () => {
    expect(await events('subtype=token')).not.toHaveLength(0);
  });
  it('when an admin pages through one client\'s events newest first, then each page links the next and each event can be read by id', async () => {
    const clientId = (await events('subtype=read&entity=Patient/p1'))[0].agent?.[0]?.altId as string;
    const first = await request(t.app).get(`/fhir/AuditEvent?altid=${clientId}&_sort=-date&_count=1&_total=accurate`).set(as(admin)).expect(200);
    expect(first.body.total).toBeGreaterThan(1);
    const next = first.body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string;
    expect(next).toBeDefined();
    const second = await request(t.app).get(next.replace('http://localhost', '')).set(as(admin)).expect(200);
    const [newest, older] = [first.body.entry[0].resource, second.body.entry[0].resource] as AuditEvent[];
    expect(newest.recorded >= older.recorded).toBe(true);
    const read = await request(t.app).get(`/fhir/AuditEvent/${older.id}`).set(as(admin)).expect(200);
    expect(read.body).toEqual(older);
    await request(t.app).get(`/fhir/AuditEvent?date=ge${older.recorded.slice(0, 10)}&agent-name=x`).set(as(admin)).set('Prefer', 'handling=strict').expect(400);
  });
});
