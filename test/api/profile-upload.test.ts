import type { Bundle, CapabilityStatement, ElementDefinition, OperationOutcome, Patient, StructureDefinition } from '@medplum/fhirtypes';
import request from 'supertest';
import { patient } from '../helpers/fixtures';
import { storeName, useTestApp, type TestApp } from '../helpers/test-app';

const EXAMPLE = 'https://example.org/fhir/StructureDefinition/';
const WITH_BIRTH_DATE = `${EXAMPLE}patient-with-birth-date`;
const CORE = 'http://hl7.org/fhir/StructureDefinition/';

/** A constraint with only a differential, its elements without ids (R4 gives them their path). */
function profile(url: string, type: string, element: Partial<ElementDefinition>[], base = `${CORE}${type}`): StructureDefinition {
  const name = url.slice(url.lastIndexOf('/') + 1).replace(/-/g, '');
  return {
    resourceType: 'StructureDefinition', url, name, status: 'active', kind: type === 'Extension' || type === 'HumanName' ? 'complex-type' : 'resource',
    abstract: false, type, baseDefinition: base, derivation: 'constraint', differential: { element: element as ElementDefinition[] },
  };
}

const claiming = (url: string, resource: Patient = patient()): Patient => ({ ...resource, meta: { profile: [url] } });
const { birthDate: _b, ...withoutBirthDate } = patient();
/** The errors as `location: diagnostics` (a missing element is reported on its parent, naming it, as HL7's validator does). */
const errorsOf = (outcome: OperationOutcome) => (outcome.issue ?? []).filter((i) => i.severity === 'error').map((i) => `${i.expression?.[0]}: ${i.diagnostics}`);

async function supportedProfiles(t: TestApp, type: string): Promise<string[]> {
  const statement = (await request(t.app).get('/fhir/metadata').expect(200)).body as CapabilityStatement;
  return statement.rest?.[0].resource?.find((r) => r.type === type)?.supportedProfile ?? [];
}

describe(`StructureDefinitions uploaded with only a differential (${storeName()})`, () => {
  const t = useTestApp();
  const post = (type: string, body: object) => request(t.app).post(`/fhir/${type}`).send(body);
  let id: string;

  it('when a profile requiring birthDate is POSTed, then it is stored with a generated snapshot and listed as supportedProfile', async () => {
    const created = await post('StructureDefinition', profile(WITH_BIRTH_DATE, 'Patient', [{ path: 'Patient.birthDate', min: 1 }])).expect(201);
    const sd = created.body as StructureDefinition;
    id = sd.id as string;
    expect(sd.snapshot?.element.find((e) => e.id === 'Patient.birthDate')).toMatchObject({ min: 1, max: '1' });
    expect(sd.differential?.element).toEqual([{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }]);
    expect(((await request(t.app).get(`/fhir/StructureDefinition/${id}`).expect(200)).body as StructureDefinition).snapshot?.element.length).toBeGreaterThan(40);
    expect(await supportedProfiles(t, 'Patient')).toContain(WITH_BIRTH_DATE);
  });

  it('when a Patient claims it, then one without birthDate is refused naming Patient.birthDate and one with it is stored', async () => {
    const refused = await post('Patient', claiming(WITH_BIRTH_DATE, withoutBirthDate)).expect(422);
    expect(errorsOf(refused.body)).toEqual([`Patient: Patient.birthDate: minimum required = 1, but only found 0 (from ${WITH_BIRTH_DATE})`]);
    await post('Patient', claiming(WITH_BIRTH_DATE)).expect(201);
  });

  it('when the profile is replaced by a PUT requiring gender instead, then the change applies to the next write', async () => {
    const requiresGender = { ...profile(WITH_BIRTH_DATE, 'Patient', [{ path: 'Patient.gender', min: 1 }]), id };
    await request(t.app).put(`/fhir/StructureDefinition/${id}`).send(requiresGender).expect(200);
    const again = await request(t.app).put(`/fhir/StructureDefinition/${id}`).send(requiresGender).expect(200);
    expect((again.body as StructureDefinition).meta?.versionId).toBe('2');
    await post('Patient', claiming(WITH_BIRTH_DATE, withoutBirthDate)).expect(201);
    const { gender: _g, ...withoutGender } = patient();
    expect(errorsOf((await post('Patient', claiming(WITH_BIRTH_DATE, withoutGender)).expect(422)).body)).toEqual([expect.stringContaining('Patient.gender: minimum required = 1')]);
  });

  it('when the profile is deleted, then it is unknown: no longer checked (a warning in $validate, as in HAPI) and no longer listed', async () => {
    await request(t.app).delete(`/fhir/StructureDefinition/${id}`).expect(200);
    await post('Patient', claiming(WITH_BIRTH_DATE, withoutBirthDate)).expect(201);
    const checked = (await post('Patient/$validate', claiming(WITH_BIRTH_DATE, withoutBirthDate)).expect(200)).body as OperationOutcome;
    expect(checked.issue).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'not-found', expression: ['Patient.meta.profile[0]'] }));
    expect(t.deps.registries.profiles.knowsProfile(WITH_BIRTH_DATE)).toBe(false);
    expect(await supportedProfiles(t, 'Patient')).not.toContain(WITH_BIRTH_DATE);
  });

  it.each([
    ['an element its type lacks', profile(`${EXAMPLE}broken`, 'Patient', [{ path: 'Patient.shoeSize', min: 1 }]), /shoeSize/],
    ['a wider cardinality', profile(`${EXAMPLE}broken`, 'Patient', [{ path: 'Patient.birthDate', max: '2' }]), /Patient.birthDate: max 2 is above/],
    ['an unknown base', profile(`${EXAMPLE}broken`, 'Patient', [{ path: 'Patient.birthDate', min: 1 }], `${EXAMPLE}nowhere`), /based on .*nowhere/],
    ['the URL of a profiles/ definition', profile('https://stroma-fhir.org/fhir/StructureDefinition/stroma-participant', 'Patient', [{ path: 'Patient.birthDate', min: 1 }]), /defined by the server/],
    ['the URL of a core R4 profile', profile(`${CORE}vitalsigns`, 'Observation', [{ path: 'Observation.note', max: '0' }]), /defined by the server/],
  ])('when a StructureDefinition has %s, then it is refused with 422 saying why and nothing is stored', async (_what, sd, why) => {
    const refused = (await post('StructureDefinition', sd).expect(422)).body as OperationOutcome;
    expect(refused.issue?.[0].diagnostics).toMatch(why);
    const stored = (await request(t.app).get(`/fhir/StructureDefinition?url=${encodeURIComponent(sd.url)}&_tag:not=https://stroma-fhir.org/fhir/CodeSystem/server-owned|profiles`)).body as Bundle;
    expect(stored.total).toBe(0);
  });

  it('when a second StructureDefinition takes a stored one\'s URL, then it is refused as a duplicate', async () => {
    const url = `${EXAMPLE}named-patient`;
    await post('StructureDefinition', profile(url, 'Patient', [{ path: 'Patient.name', min: 1 }])).expect(201);
    const refused = (await post('StructureDefinition', profile(url, 'Patient', [{ path: 'Patient.gender', min: 1 }])).expect(422)).body as OperationOutcome;
    expect(refused.issue?.[0]).toMatchObject({ code: 'duplicate' });
  });

  it('when an extension and a data type profile are POSTed, then each gets its snapshot, and neither is a supportedProfile', async () => {
    const shoeSize = profile(`${EXAMPLE}shoe-size`, 'Extension', [
      { path: 'Extension.url', fixedUri: `${EXAMPLE}shoe-size` },
      { path: 'Extension.value[x]', min: 1, type: [{ code: 'decimal' }] },
    ]);
    const extension = (await post('StructureDefinition', { ...shoeSize, context: [{ type: 'element', expression: 'Patient' }] }).expect(201)).body as StructureDefinition;
    expect(extension.snapshot?.element.find((e) => e.id === 'Extension.value[x]')).toMatchObject({ min: 1, type: [{ code: 'decimal' }] });
    const name = (await post('StructureDefinition', profile(`${EXAMPLE}family-name`, 'HumanName', [{ path: 'HumanName.family', min: 1 }])).expect(201)).body;
    expect((name as StructureDefinition).snapshot?.element[0].path).toBe('HumanName');
    expect(await supportedProfiles(t, 'Patient')).toEqual(['https://stroma-fhir.org/fhir/StructureDefinition/stroma-participant', `${EXAMPLE}named-patient`]);
  });
});

describe(`uploads in a transaction Bundle, and value sets (${storeName()})`, () => {
  const t = useTestApp();
  const transaction = (...entries: { resource: object; method?: string; url: string }[]) =>
    request(t.app).post('/fhir').send({
      resourceType: 'Bundle', type: 'transaction',
      entry: entries.map(({ resource, method, url }) => ({ resource, request: { method: method ?? 'POST', url } })),
    });

  it('when a transaction stores a profile, then it is registered once the transaction has committed', async () => {
    const url = `${EXAMPLE}in-a-bundle`;
    await transaction({ resource: profile(url, 'Patient', [{ path: 'Patient.birthDate', min: 1 }]), url: 'StructureDefinition' }, { resource: { resourceType: 'Basic', code: { text: 'x' } }, url: 'Basic' }).expect(200);
    expect(errorsOf((await request(t.app).post('/fhir/Patient').send(claiming(url, withoutBirthDate)).expect(422)).body)).toEqual([expect.stringContaining('Patient.birthDate: minimum required = 1')]);
  });

  it('when a transaction that stores a profile rolls back, then nothing is stored or registered', async () => {
    const url = `${EXAMPLE}rolled-back`;
    const invalid = { ...patient(), gender: 'sometimes' };
    await transaction({ resource: profile(url, 'Patient', [{ path: 'Patient.birthDate', min: 1 }]), url: 'StructureDefinition' }, { resource: invalid, url: 'Patient' }).expect(422);
    expect(((await request(t.app).get(`/fhir/StructureDefinition?url=${encodeURIComponent(url)}`)).body as Bundle).total).toBe(0);
    expect(t.deps.registries.profiles.knowsProfile(url)).toBe(false);
  });

  it('when a Patient in the same transaction claims the new profile, then the claim is not checked yet (registered at commit) and the next write is', async () => {
    const url = `${EXAMPLE}same-bundle`;
    await transaction({ resource: profile(url, 'Patient', [{ path: 'Patient.birthDate', min: 1 }]), url: 'StructureDefinition' }, { resource: claiming(url, withoutBirthDate), url: 'Patient' }).expect(200);
    await request(t.app).post('/fhir/Patient').send(claiming(url, withoutBirthDate)).expect(422);
  });

  it('when a CodeSystem and a ValueSet are uploaded, then a profile binding to the value set enforces it, and a new version of it too', async () => {
    const system = 'https://example.org/fhir/CodeSystem/marital-detail';
    const valueSet = 'https://example.org/fhir/ValueSet/marital-detail';
    await request(t.app).post('/fhir/CodeSystem').send({ resourceType: 'CodeSystem', url: system, status: 'active', content: 'complete', concept: [{ code: 'civil-union' }, { code: 'married' }] }).expect(201);
    const vs = { resourceType: 'ValueSet', url: valueSet, status: 'active', compose: { include: [{ system }] } };
    const vsId = ((await request(t.app).post('/fhir/ValueSet').send(vs).expect(201)).body as { id: string }).id;
    const url = `${EXAMPLE}marital-detail`;
    await request(t.app).post('/fhir/StructureDefinition').send(profile(url, 'Patient', [
      { path: 'Patient.maritalStatus', min: 1, binding: { strength: 'required', valueSet } },
    ])).expect(201);
    const married = (code: string) => claiming(url, { ...patient(), maritalStatus: { coding: [{ system, code }] } });
    await request(t.app).post('/fhir/Patient').send(married('married')).expect(201);
    expect(errorsOf((await request(t.app).post('/fhir/Patient').send(married('widowed')).expect(422)).body)).toEqual([expect.stringMatching(/^Patient\.maritalStatus.*widowed/)]);
    const onlyUnions = { ...vs, id: vsId, compose: { include: [{ system, concept: [{ code: 'civil-union' }] }] } };
    await request(t.app).put(`/fhir/ValueSet/${vsId}`).send(onlyUnions).expect(200);
    await request(t.app).post('/fhir/Patient').send(married('married')).expect(422);
    await request(t.app).post('/fhir/Patient').send(married('civil-union')).expect(201);
  });
});
