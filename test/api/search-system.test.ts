import type { Bundle, CapabilityStatement } from '@medplum/fhirtypes';
import request from 'supertest';
import { GRAPH, idsOf, loadGraph } from '../helpers/graph-fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

const TAG = 'http://example.org/tags|graph';

/** Each system-level query (after /fhir), under strict handling, must return exactly these ids. */
const CASES: [string, string[]][] = [
  ['?_id=pat-a', ['pat-a']],
  ['?_id=pat-a,obs-a1,nope', ['obs-a1', 'pat-a']],
  ['?_id=pat-gone', []],
  ['?_type=Patient,Organization&_id=pat-a,org-acme,obs-a1', ['org-acme', 'pat-a']],
  ['?_type=Patient,Practitioner', ['pat-a', 'pat-b', 'prac-x']],
  ['?_type=Patient,Practitioner&name=smith,xavier', ['pat-a', 'prac-x']],
  ['?_type=Patient,Practitioner&name=smith&_id=pat-a,pat-b', ['pat-a']],
  ['?_type=Observation,Encounter&subject=Patient/pat-b&_id=enc-b,obs-b1,obs-a1', ['enc-b', 'obs-b1']],
  ['?_type=Location,Organization&_tag=' + TAG, ['org-acme']],
  ['?_tag=' + TAG, ['obs-b1', 'org-acme', 'pat-a']],
  ['?_tag:not=' + TAG + '&_type=Patient', ['pat-b']],
  ['?_profile=http://hl7.org/fhir/StructureDefinition/Patient', ['pat-a']],
  ['?_type=Patient&_has:Observation:subject:code=2339-0', ['pat-a']],
  ['?_type=Observation&subject:Patient.name=jones&code=718-7', ['obs-b1']],
];

describe(`system-level search and _type (${storeName()})`, () => {
  const t = useTestApp();
  let start: string;
  beforeAll(async () => {
    start = new Date(Date.now() - 1000).toISOString();
    await loadGraph(t.app);
    for (const id of ['Patient/pat-a', 'Organization/org-acme', 'Observation/obs-b1']) {
      const resource = (await request(t.app).get(`/fhir/${id}`)).body;
      const meta = { tag: [{ system: 'http://example.org/tags', code: 'graph' }], ...(id === 'Patient/pat-a' ? { profile: ['http://hl7.org/fhir/StructureDefinition/Patient'] } : {}) };
      await request(t.app).put(`/fhir/${id}`).send({ ...resource, meta }).expect(200);
    }
  });

  it.each(CASES)('when searching /fhir%s, then exactly the expected resources match', async (query, expected) => {
    const bundle = (await request(t.app).get(`/fhir${query}`).set('Prefer', 'handling=strict').expect(200)).body as Bundle;
    expect(idsOf(bundle)).toEqual(expected);
    expect(bundle.total).toBe(expected.length);
  });

  it('when _lastUpdated spans two types, then every current resource of both comes back, and none of another', async () => {
    const bundle = (await request(t.app).get(`/fhir?_type=Patient,Observation&_lastUpdated=ge${start}&_count=100`).expect(200)).body as Bundle;
    const expected = GRAPH.filter((r) => ['Patient', 'Observation'].includes(r.resourceType) && !['pat-gone', 'obs-deleted'].includes(r.id as string));
    expect(idsOf(bundle)).toEqual(expected.map((r) => r.id).sort());
    const later = (await request(t.app).get(`/fhir?_type=Patient,Observation&_lastUpdated=gt${new Date(Date.now() + 60000).toISOString()}`)).body;
    expect(later.total).toBe(0);
  });

  it('when a system search is paged and sorted, then its links stay at the base and keep _type', async () => {
    const first = (await request(t.app).get('/fhir?_type=Patient,Practitioner&_sort=-_id&_count=2').expect(200)).body as Bundle;
    expect(first.entry?.map((e) => e.resource?.id)).toEqual(['prac-x', 'pat-b']);
    const self = first.link?.find((l) => l.relation === 'self')?.url as string;
    expect(self.startsWith('http://localhost/fhir?')).toBe(true);
    expect(new URL(self).searchParams.get('_type')).toBe('Patient,Practitioner');
    const next = first.link?.find((l) => l.relation === 'next')?.url as string;
    const second = (await request(t.app).get(next.replace('http://localhost', '')).expect(200)).body as Bundle;
    expect(second.entry?.map((e) => e.resource?.id)).toEqual(['pat-a']);
  });

  it('when a composite parameter is searched over several types, then each type that matches comes back, in either order', async () => {
    const useContext = [{ code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'focus' }, valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '123' }] } }];
    await request(t.app).put('/fhir/CodeSystem/cs-ctx').send({ resourceType: 'CodeSystem', id: 'cs-ctx', status: 'active', content: 'not-present', useContext }).expect(201);
    await request(t.app).put('/fhir/ValueSet/vs-ctx').send({ resourceType: 'ValueSet', id: 'vs-ctx', status: 'active', useContext }).expect(201);
    for (const types of ['CodeSystem,ValueSet', 'ValueSet,CodeSystem']) {
      const bundle = (await request(t.app).get(`/fhir?_type=${types}&context-type-value=focus%24123`).set('Prefer', 'handling=strict').expect(200)).body as Bundle;
      expect(idsOf(bundle)).toEqual(['cs-ctx', 'vs-ctx']);
    }
  });

  it('when a system search is posted as a form to /fhir/_search, then it answers like GET', async () => {
    const res = await request(t.app).post('/fhir/_search').type('form').send({ _type: 'Patient,Practitioner', name: 'smith' }).expect(200);
    expect(idsOf(res.body)).toEqual(['pat-a']);
  });

  it('when a system search asks for includes, then each type of match includes what its parameters name', async () => {
    const query = '/fhir?_type=Observation,Encounter&_id=obs-a2,enc-b&_include=Observation:subject&_include=Encounter:subject';
    const bundle = (await request(t.app).get(query).set('Prefer', 'handling=strict').expect(200)).body as Bundle;
    expect(idsOf(bundle, 'include')).toEqual(['pat-a', 'pat-b']);
  });

  it('when a parameter is not shared by every type searched, then strict handling refuses it and lenient ignores it', async () => {
    for (const query of ['?_type=Patient,Observation&code=718-7', '?name=smith', '?_type=Patient,Observation&subject:Patient.name=x', '?_type=Patient,Encounter&_has:Observation:subject:code=1']) {
      await request(t.app).get(`/fhir${query}`).set('Prefer', 'handling=strict').expect(400);
      const lenient = (await request(t.app).get(`/fhir${query}&_id=pat-a`).expect(200)).body as Bundle;
      expect(idsOf(lenient)).toEqual(['pat-a']);
      expect(lenient.entry?.some((e) => e.search?.mode === 'outcome')).toBe(true);
    }
  });

  it('when _type names an unknown type or _sort a parameter of one type only, then 400', async () => {
    await request(t.app).get('/fhir?_type=Patient,Unicorn').expect(400);
    await request(t.app).get('/fhir?_type=Patient,Practitioner&_sort=name').expect(400);
    await request(t.app).get('/fhir?_type=Patient&_sort=name').expect(200);
  });

  it('when the CapabilityStatement is read, then it declares system search and its parameters, and includes per type', async () => {
    const statement = (await request(t.app).get('/fhir/metadata')).body as CapabilityStatement;
    const rest = statement.rest?.[0];
    expect(rest?.interaction?.map((i) => i.code)).toContain('search-system');
    expect(rest?.searchParam?.map((p) => p.name).sort()).toEqual(['_id', '_lastUpdated', '_profile', '_security', '_source', '_tag', '_type']);
    const patient = rest?.resource?.find((r) => r.type === 'Patient');
    expect(patient?.searchInclude).toEqual(expect.arrayContaining(['*', 'Patient:general-practitioner', 'Patient:organization']));
    expect(patient?.searchRevInclude).toEqual(expect.arrayContaining(['*', 'Observation:subject', 'Encounter:subject']));
    expect(patient?.searchRevInclude).not.toContain('Observation:encounter');
  });
});
