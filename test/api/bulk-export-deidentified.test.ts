import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { demoBundle } from '../../src/trial/demo';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { tokenFor } from '../helpers/auth';
import { downloaded, finishedManifest, kickOff, manifestText } from '../helpers/bulk-client';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const TRIAL = 'NCT04356287';

/** Every value of a Patient that names the person: ids, identifiers, names, contacts, addresses, the exact birth date. */
function identifyingValues(patients: Patient[]): string[] {
  return patients.flatMap((p) => [
    p.id as string,
    ...(p.identifier ?? []).map((i) => i.value as string),
    ...(p.name ?? []).flatMap((n) => [n.family ?? '', ...(n.given ?? []), n.text ?? '']),
    ...(p.telecom ?? []).map((t) => t.value as string),
    ...(p.address ?? []).flatMap((a) => [...(a.line ?? []), a.text ?? '', a.postalCode ?? '']),
    ...(p.birthDate && p.birthDate.length > 4 ? [p.birthDate] : []),
  ]).filter((v) => v.length >= 3);
}

/** Whether `value` appears in `text` as a word of its own ("Demo" the family name, not "Demographics" in a profile's text). */
function appearsIn(text: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`).test(text);
}

describe(`Bulk Data $export de-identified for registries (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let admin: Record<string, string> = {};
  let group = '';
  let patients: Patient[] = [];

  beforeAll(async () => {
    admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    const trial = seedTrials().get(TRIAL) as Bundle;
    for (const bundle of [trial, demoBundle(trial, 20261203)]) {
      const res = await request(t.app).post('/fhir').set(admin).set('Content-Type', FHIR_JSON).send(bundle);
      if (res.status !== 200) throw new Error(`transaction: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const study = (await request(t.app).get(`/fhir/ResearchStudy?identifier=${TRIAL}`).set(admin).expect(200)).body as Bundle;
    group = ((study.entry?.[0]?.resource as { enrollment: { reference: string }[] }).enrollment[0].reference).split('/')[1];
    patients = ((await request(t.app).get('/fhir/Patient?_count=1000').set(admin).expect(200)).body as Bundle).entry?.map((e) => e.resource as Patient) ?? [];
  }, 120_000);

  it('when a registry exports a study, then no id, identifier, name, contact, address or exact birth date of any Patient appears anywhere in the output', async () => {
    expect(patients.length).toBeGreaterThan(3);
    const registry = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'registry', 'system/*.rs')}` };
    const manifest = await finishedManifest(t, await kickOff(t.app, `/fhir/Group/${group}/$export`, registry), registry);
    const text = await manifestText(t.app, manifest, registry);
    expect(text.length).toBeGreaterThan(1000);
    for (const value of identifyingValues(patients)) expect(appearsIn(text, value) ? value : undefined).toBeUndefined();
    const output = await downloaded(t.app, manifest.output, registry);
    const exported = output.filter((r): r is Patient => r.resourceType === 'Patient');
    expect(exported).toHaveLength(patients.length);
    for (const patient of exported) expect(patient.birthDate).toMatch(/^\d{4}$/);
    // References follow the pseudonyms: every participant's subject reference is an exported Patient.
    const ids = new Set(exported.map((p) => `Patient/${p.id}`));
    const subjects = output.filter((r) => r.resourceType === 'ResearchSubject') as (Resource & { individual: { reference: string } })[];
    expect(subjects.length).toBe(patients.length);
    for (const subject of subjects) expect(ids).toContain(subject.individual.reference);
  });

  it('when an investigator asks for _deidentify=true, then its export is de-identified as a registry one is', async () => {
    const investigator = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    const manifest = await finishedManifest(t, await kickOff(t.app, '/fhir/Patient/$export?_deidentify=true', investigator), investigator);
    const text = await manifestText(t.app, manifest, investigator);
    for (const value of identifyingValues(patients)) expect(appearsIn(text, value) ? value : undefined).toBeUndefined();
    const exported = (await downloaded(t.app, manifest.output, investigator)).filter((r) => r.resourceType === 'Patient');
    expect(exported).toHaveLength(patients.length);
    const plain = await finishedManifest(t, await kickOff(t.app, '/fhir/Patient/$export?_type=Patient', investigator), investigator);
    const plainText = await manifestText(t.app, plain, investigator);
    // The same walk finds the values in an export that is not de-identified: it can fail.
    expect(appearsIn(plainText, patients[0].id as string)).toBe(true);
    expect(appearsIn(plainText, patients[0].name?.[0].given?.[1] as string)).toBe(true);
    expect(appearsIn(plainText, patients[0].birthDate as string)).toBe(true);
  });

  it('when a registry filters an export by a real Patient id, then nothing matches; by the pseudonym it was given, the patient comes', async () => {
    const registry = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'registry', 'system/*.rs')}` };
    const pseudonymous = (await downloaded(t.app, (await finishedManifest(t, await kickOff(t.app, '/fhir/$export?_type=Patient', registry), registry)).output, registry)) as Patient[];
    const pseudonym = pseudonymous[0].id as string;
    const byFilter = async (id: string) => {
      const filter = encodeURIComponent(`ResearchSubject?individual=Patient/${id}`);
      const manifest = await finishedManifest(t, await kickOff(t.app, `/fhir/$export?_type=ResearchSubject&_typeFilter=${filter}`, registry), registry);
      return downloaded(t.app, manifest.output, registry);
    };
    expect(await byFilter(patients[0].id as string)).toHaveLength(0);
    const found = (await byFilter(pseudonym)) as (Resource & { individual: { reference: string } })[];
    expect(found.map((s) => s.individual.reference)).toEqual([`Patient/${pseudonym}`]);
  });
});
