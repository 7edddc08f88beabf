import type { Bundle } from '@medplum/fhirtypes';
import request from 'supertest';
import { idsOf, loadGraph } from '../helpers/graph-fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

const MRN = 'http://hospital.example.org/mrn';

/** Each query, under strict handling, must return exactly these ids (see GRAPH for who refers to whom). */
const CASES: [string, string[]][] = [
  // chains: typed, untyped, with other filters, modifiers on the last link, deleted targets
  [`Observation?subject:Patient.identifier=${MRN}|A`, ['obs-a1', 'obs-a2']],
  [`Observation?subject:Patient.identifier=${MRN}|A&code=http://loinc.org|718-7`, ['obs-a1']],
  [`Observation?subject:Patient.identifier=${MRN}|B&code=http://loinc.org|2339-0`, []],
  [`Observation?subject:Patient.identifier=${MRN}|GONE`, []],
  ['Observation?subject:Patient.name=smith', ['obs-a1', 'obs-a2']],
  ['Observation?subject.name=smith', ['obs-a1', 'obs-a2', 'obs-loc']],
  ['Observation?subject:Location.name=smith', ['obs-loc']],
  ['Observation?subject:Patient.name:exact=Smith', ['obs-a1', 'obs-a2']],
  ['Observation?subject:Patient.name:exact=smith', []],
  ['Observation?subject:Patient.gender:not=female&code=718-7', ['obs-b1']],
  ['Observation?subject:Patient.name=smith,jones&code=718-7', ['obs-a1', 'obs-b1']],
  ['Observation?subject:Patient._id=pat-b&code=718-7', ['obs-b1']],
  ['Observation?subject:Patient.birthdate=ge1980&code=718-7', ['obs-b1']],
  ['Observation?subject:Patient.birthdate=lt1968-05,ge1991&code=718-7', ['obs-a1']],
  ['Observation?subject:Patient.birthdate:missing=false&code=718-7', ['obs-a1', 'obs-b1']],
  // pat-gone has no birth date, but it is deleted
  ['Observation?subject:Patient.birthdate:missing=true', []],
  ['Observation?subject:Patient.name=smith&subject:Patient.gender=male', []],
  // deeper chains
  ['DiagnosticReport?result.subject:Patient.name=jones', ['rep-b']],
  ['DiagnosticReport?result:Observation.subject:Patient.name=smith', ['rep-a']],
  ['Encounter?subject:Patient.organization.name=acme', ['enc-a']],
  ['Encounter?subject:Patient.organization.name=hospital', []],
  ['Encounter?subject:Patient.general-practitioner:Practitioner.name=xavier', ['enc-a']],
  // reverse chaining: simple, with other filters, nested, deleted referrers, inside a chain
  ['Patient?_has:Observation:subject:code=2339-0', ['pat-a']],
  ['Patient?_has:Observation:subject:code=718-7', ['pat-a', 'pat-b']],
  ['Patient?_has:Observation:subject:code=718-7&name=jones', ['pat-b']],
  ['Patient?_has:Observation:subject:code=718-7&_has:Encounter:subject:status=finished&gender=female', ['pat-a']],
  ['Patient?_has:Observation:subject:code=del-1', []],
  ['Patient?_has:Observation:subject:code:not=718-7', ['pat-a', 'pat-b']],
  ['Patient?_has:Observation:subject:_has:DiagnosticReport:result:status=final', ['pat-a']],
  ['Patient?_has:Observation:subject:_has:DiagnosticReport:result:status=preliminary', ['pat-b']],
  ['Practitioner?_has:Patient:general-practitioner:_has:Observation:subject:code=2339-0', ['prac-x']],
  ['Organization?_has:Patient:organization:name=jones', ['org-other']],
  ['Patient?_has:Observation:subject:subject:Patient.name=jones', ['pat-b']],
  ['Encounter?subject:Patient._has:Observation:subject:code=2339-0', ['enc-a']],
];

/** Parameters no link of which can be applied: refused strictly, ignored leniently. */
const NOT_UNDERSTOOD = [
  'Observation?subject:Patient.nonsense=x',
  'Observation?subject.nonsense=x',
  'Observation?subject:Medication.code=x',
  'Observation?code.name=x',
  'Observation?subject:Patient.name:nonsense=x',
  'Encounter?subject:Patient.organization.nonsense=x',
  'Patient?_has:Observation:subject:nonsense=1',
  'Patient?_has:Observation:nonsense:code=1',
  'Patient?_has:Observation:encounter:code=1',
  'Patient?_has:Unicorn:subject:code=1',
  'Patient?_has:Observation:subject=1',
];

describe(`chained parameters and _has (${storeName()})`, () => {
  const t = useTestApp();
  beforeAll(() => loadGraph(t.app));

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    const response = await request(t.app).get(`/fhir/${query}`).set('Prefer', 'handling=strict').expect(200);
    expect(idsOf(response.body)).toEqual(expected);
    expect((response.body as Bundle).total).toBe(expected.length);
  });

  it.each(NOT_UNDERSTOOD)('when %s is sent strictly, then 400 says what is wrong', async (query) => {
    const response = await request(t.app).get(`/fhir/${query}`).set('Prefer', 'handling=strict').expect(400);
    expect(response.body.issue[0].diagnostics).toMatch(/\S/);
  });

  it.each(NOT_UNDERSTOOD)('when %s is sent leniently, then it is ignored, reported, and left out of the self link', async (query) => {
    const [type, param] = query.split('?');
    const withIt = (await request(t.app).get(`/fhir/${query}&_id=pat-a,obs-a1,enc-a`).expect(200)).body as Bundle;
    const without = (await request(t.app).get(`/fhir/${type}?_id=pat-a,obs-a1,enc-a`).expect(200)).body as Bundle;
    expect(idsOf(withIt)).toEqual(idsOf(without));
    const outcome = withIt.entry?.find((e) => e.search?.mode === 'outcome')?.resource;
    expect(outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'warning' }] });
    const self = new URL(withIt.link?.find((l) => l.relation === 'self')?.url as string);
    expect([...self.searchParams.keys()]).not.toContain(param.split('=')[0]);
  });

  it('when a chained search is applied, then the self link repeats it and the next page continues it', async () => {
    const first = (await request(t.app).get('/fhir/Observation?subject.name=smith&_count=2&_sort=_id').expect(200)).body as Bundle;
    const self = new URL(first.link?.find((l) => l.relation === 'self')?.url as string);
    expect(self.searchParams.get('subject.name')).toBe('smith');
    const next = first.link?.find((l) => l.relation === 'next')?.url as string;
    const second = (await request(t.app).get(next.replace('http://localhost', '')).expect(200)).body as Bundle;
    expect([...idsOf(first), ...idsOf(second)].sort()).toEqual(['obs-a1', 'obs-a2', 'obs-loc']);
  });

  it('when a chained value is malformed, then 400 as for the parameter itself', async () => {
    await request(t.app).get('/fhir/Encounter?subject:Patient.birthdate=not-a-date').expect(400);
    await request(t.app).get('/fhir/Patient?_has:Observation:subject:date=not-a-date').expect(400);
    await request(t.app).get('/fhir/Observation?subject:Patient.name=').expect(400);
  });
});
