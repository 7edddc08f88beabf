import type { Bundle, BundleEntry, Observation, Patient, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { deidentificationSecret, Pseudonyms } from '../../src/auth/policy/pseudonyms';
import { clientAssertion, registerClient, requestToken, tokenFor } from '../helpers/auth';
import { hemoglobin } from '../helpers/fixtures';
import { makeParticipant } from '../helpers/participant';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

interface Person {
  id: string;
  mrn: string;
  family: string;
  given: string;
  phone: string;
  line: string;
  birthDate: string;
}

const PEOPLE = [
  { mrn: 'MRN-ZX-4711', family: 'Quintavalle', given: 'Ottoline', phone: '+41 79 555 01 23', line: '12 Rue des Alpes', birthDate: '1961-07-19' },
  { mrn: 'MRN-ZX-4712', family: 'Brennecke', given: 'Hildegunde', phone: '+41 79 555 45 67', line: '8 Chemin du Lac', birthDate: '1979-02-03' },
  { mrn: 'MRN-ZX-4713', family: 'Szczepanski', given: 'Radomira', phone: '+41 79 555 89 01', line: '3 Avenue Ruchonnet', birthDate: '1985-11-28' },
];

const entriesOf = (body: Bundle): Resource[] => (body.entry ?? []).map((e: BundleEntry) => e.resource as Resource).filter(Boolean);

/** Issue 10 point 3: what a registry (or a client asking `_deidentify=true`) reads of a study's patients. */
describe(`de-identification on every read path (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  const people: Person[] = [];
  let admin: { Authorization: string };
  let registry: { Authorization: string };
  let registryId: string;
  let otherRegistry: { Authorization: string };
  let otherRegistryId: string;
  let investigator: { Authorization: string };
  let pseudonyms: Pseudonyms;
  const pseudonymOf = (id: string, client = registryId) => pseudonyms.of(client, id).id;

  beforeAll(async () => {
    admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    const client = await registerClient(t.authStore, 'registry');
    registryId = client.id;
    registry = { Authorization: `Bearer ${(await requestToken(t.app, await clientAssertion(client))).body.access_token}` };
    const other = await registerClient(t.authStore, 'registry');
    otherRegistryId = other.id;
    otherRegistry = { Authorization: `Bearer ${(await requestToken(t.app, await clientAssertion(other))).body.access_token}` };
    investigator = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    for (const p of PEOPLE) {
      const body: Patient = {
        resourceType: 'Patient',
        identifier: [{ system: 'http://hospital.example.org/mrn', value: p.mrn }],
        name: [{ family: p.family, given: [p.given] }],
        telecom: [{ system: 'phone', value: p.phone }],
        address: [{ line: [p.line], city: 'Lausanne' }],
        gender: 'female',
        birthDate: p.birthDate,
        text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${p.given} ${p.family}</div>` },
      };
      const created = await request(t.app).post('/fhir/Patient').set(admin).set('content-type', FHIR_JSON).send(body).expect(201);
      people.push({ ...p, id: created.body.id });
      await makeParticipant(t.app, `Patient/${created.body.id}`, admin);
      for (const [value, when] of [[11.2, '2024-03-01T09:30:00Z'], [12.9, '2024-03-15T09:30:00Z']] as const) {
        const lab: Observation = { ...hemoglobin(`Patient/${created.body.id}`, value, when), subject: { reference: `Patient/${created.body.id}`, display: `${p.given} ${p.family}` } };
        lab.note = [{ text: `${p.given} was tired; call ${p.phone}` }];
        await request(t.app).post('/fhir/Observation').set(admin).set('content-type', FHIR_JSON).send(lab).expect(201);
      }
    }
    pseudonyms = new Pseudonyms(await deidentificationSecret(t.repo));
  });

  /** Every string that would identify a participant: none may appear in any body a registry reads. */
  const identifying = () => people.flatMap((p) => [p.id, p.mrn, p.family, p.given, p.phone, p.line, p.birthDate]);
  const expectNothingIdentifying = (body: unknown) => {
    const text = JSON.stringify(body);
    for (const value of identifying()) expect(text).not.toContain(value);
  };

  it('when a registry walks everything it can read (every type, _include, _revinclude, history), then no identifier, name, telecom, address, real id or birth date appears', async () => {
    const bodies: unknown[] = [];
    const get = async (path: string) => {
      const res = await request(t.app).get(path).set(registry);
      expect([path, res.status]).toEqual([path, 200]);
      bodies.push(res.body);
      return res.body as Bundle;
    };
    const types = ['Patient', 'Observation', 'ResearchStudy', 'ResearchSubject', 'Consent', 'Group'];
    const seen: Resource[] = [];
    for (const type of types) seen.push(...entriesOf(await get(`/fhir/${type}?_count=100`)));
    await get('/fhir/Observation?_include=Observation:subject&_count=100');
    await get('/fhir/ResearchSubject?_include=ResearchSubject:individual&_include=ResearchSubject:consent&_count=100');
    await get('/fhir/Patient?_revinclude=Observation:subject&_revinclude=Consent:patient&_count=100');
    await get(`/fhir?_type=${types.join(',')}&_count=100`);
    await get('/fhir/_history?_count=100');
    await get('/fhir/Patient/_history?_count=100');
    for (const resource of seen) {
      await get(`/fhir/${resource.resourceType}/${resource.id}`);
      await get(`/fhir/${resource.resourceType}/${resource.id}/_history`);
    }
    expect(seen.filter((r) => r.resourceType === 'Patient')).toHaveLength(people.length);
    expect(seen.filter((r) => r.resourceType === 'Observation')).toHaveLength(2 * people.length);
    for (const body of bodies) expectNothingIdentifying(body);
  });

  it("when a registry reads a Patient by its real id, then 404; by its pseudonym, then the Patient, whose birth date keeps only the year", async () => {
    const [first] = people;
    await request(t.app).get(`/fhir/Patient/${first.id}`).set(registry).expect(404);
    const res = await request(t.app).get(`/fhir/Patient/${pseudonymOf(first.id)}`).set(registry).expect(200);
    expect(res.body.id).toBe(pseudonymOf(first.id));
    expect(res.body.birthDate).toBe(first.birthDate.slice(0, 4));
    expect(res.body.meta.security).toEqual([expect.objectContaining({ code: 'MASKED' })]);
    await request(t.app).get(`/fhir/Patient/${pseudonymOf(first.id)}/_history/1`).set(registry).expect(200);
    // Another registry's pseudonym of the same Patient names nothing for this one.
    await request(t.app).get(`/fhir/Patient/${pseudonymOf(first.id, otherRegistryId)}`).set(registry).expect(404);
  });

  it('when two registries read the same Patient, then their pseudonyms differ; the same registry gets the same one on every request and from the stored secret', async () => {
    const mine = entriesOf((await request(t.app).get('/fhir/Patient').set(registry).expect(200)).body).map((p) => p.id).sort();
    const again = entriesOf((await request(t.app).get('/fhir/Patient').set(registry).expect(200)).body).map((p) => p.id).sort();
    const theirs = entriesOf((await request(t.app).get('/fhir/Patient').set(otherRegistry).expect(200)).body).map((p) => p.id).sort();
    expect(theirs).toEqual(people.map((p) => pseudonymOf(p.id, otherRegistryId)).sort());
    expect(again).toEqual(mine);
    expect(mine).toEqual(people.map((p) => pseudonymOf(p.id)).sort());
    expect(theirs.some((id) => mine.includes(id))).toBe(false);
    // Another process on the same store reads the same secret, so derives the same pseudonyms.
    expect(new Pseudonyms(await deidentificationSecret(t.repo)).of(registryId, people[0].id).id).toBe(pseudonymOf(people[0].id));
  });

  it("when a registry follows an Observation's subject, then it reads the Patient it names, and searches by pseudonym find the patient's labs while the real id finds none", async () => {
    const [, second] = people;
    const pseudo = pseudonymOf(second.id);
    const labs = entriesOf((await request(t.app).get(`/fhir/Observation?subject=Patient/${pseudo}`).set(registry).expect(200)).body) as Observation[];
    expect(labs).toHaveLength(2);
    expect(labs.every((o) => o.subject?.reference === `Patient/${pseudo}`)).toBe(true);
    expect((await request(t.app).get(`/fhir/${labs[0].subject?.reference}`).set(registry).expect(200)).body.id).toBe(pseudo);
    expect(entriesOf((await request(t.app).get(`/fhir/Observation?patient=${pseudo}`).set(registry).expect(200)).body)).toHaveLength(2);
    expect(entriesOf((await request(t.app).get(`/fhir/Observation?subject=Patient/${second.id}`).set(registry).expect(200)).body)).toHaveLength(0);
    expect(entriesOf((await request(t.app).get(`/fhir/Patient?_id=${second.id}`).set(registry).expect(200)).body)).toHaveLength(0);
    const revincluded = entriesOf((await request(t.app).get(`/fhir/Patient?_id=${pseudo}&_revinclude=Observation:subject`).set(registry).expect(200)).body);
    expect(revincluded.map((r) => r.resourceType).sort()).toEqual(['Observation', 'Observation', 'Patient']);
  });

  it("when a registry reads one patient's labs, then their dates moved by one offset (the interval kept) and their notes and subject display are gone", async () => {
    const [first] = people;
    const labs = entriesOf((await request(t.app).get(`/fhir/Observation?subject=Patient/${pseudonymOf(first.id)}`).set(registry).expect(200)).body) as Observation[];
    const days = labs.map((o) => Date.parse(o.effectiveDateTime as string)).sort((a, b) => a - b);
    expect((days[1] - days[0]) / 86_400_000).toBe(14);
    const shift = Math.round((days[0] - Date.parse('2024-03-01T09:30:00Z')) / 86_400_000);
    expect(shift).toBe(pseudonyms.of(registryId, first.id).shiftDays);
    expect(shift).not.toBe(0);
    for (const lab of labs) {
      expect(lab.note).toBeUndefined();
      expect(lab.subject?.display).toBeUndefined();
      expect(lab.effectiveDateTime).toMatch(/T09:30:00Z$/);
    }
  });

  it('when an investigator asks _deidentify=true, then it gets pseudonyms and no names; without it, the real Patient', async () => {
    const body = (await request(t.app).get('/fhir/Patient?_deidentify=true').set(investigator).expect(200)).body;
    expectNothingIdentifying(body);
    expect(entriesOf(body)).toHaveLength(people.length);
    const plain = (await request(t.app).get(`/fhir/Patient/${people[0].id}`).set(investigator).expect(200)).body;
    expect(plain.name[0].family).toBe(people[0].family);
    await request(t.app).get(`/fhir/Patient/${people[0].id}?_deidentify=true`).set(investigator).expect(404);
  });

  it('when a registry asks _deidentify=false, then it is still de-identified; a de-identified investigator may not write', async () => {
    expectNothingIdentifying((await request(t.app).get('/fhir/Patient?_deidentify=false').set(registry).expect(200)).body);
    const res = await request(t.app).post('/fhir/Observation?_deidentify=true').set(investigator).set('content-type', FHIR_JSON).send(hemoglobin(`Patient/${people[0].id}`)).expect(403);
    expect(res.body.issue[0].diagnostics).toMatch(/read-only/);
    await request(t.app).get('/fhir/Patient?_deidentify=maybe').set(investigator).expect(400);
  });

  it('when a registry searches Patients by name or labs by date, then it is refused', async () => {
    await request(t.app).get(`/fhir/Patient?family=${people[0].family}`).set(registry).expect(403);
    await request(t.app).get('/fhir/Observation?date=2024-03-01').set(registry).expect(403);
    await request(t.app).get('/fhir/Observation?subject:identifier=MRN-ZX-4711').set(registry).expect(403);
  });
});
