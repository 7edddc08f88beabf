import type { Bundle, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { idsOf, loadGraph } from '../helpers/graph-fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

/** Each query, under strict handling: the ids that must match, then the ids that must be included. */
const CASES: [string, string[], string[]][] = [
  // _include: by parameter, by target type, every reference (*), each target once, deleted ones never
  ['Observation?code=2339-0&_include=Observation:subject', ['obs-a2'], ['pat-a']],
  ['Observation?subject=Patient/pat-a&_include=Observation:subject', ['obs-a1', 'obs-a2'], ['pat-a']],
  ['Observation?code=718-7&_include=Observation:subject', ['obs-a1', 'obs-b1', 'obs-gone', 'obs-group', 'obs-loc'], ['loc-smithfield', 'pat-a', 'pat-b']],
  ['Observation?code=718-7&_include=Observation:subject:Patient', ['obs-a1', 'obs-b1', 'obs-gone', 'obs-group', 'obs-loc'], ['pat-a', 'pat-b']],
  ['Observation?_id=obs-gone&_include=Observation:subject', ['obs-gone'], []],
  ['Observation?_id=obs-a2&_include=*', ['obs-a2'], ['obs-a1', 'pat-a']],
  ['Observation?_id=obs-a2&_include=Observation:*', ['obs-a2'], ['obs-a1', 'pat-a']],
  ['Observation?_id=obs-a2&_include=Patient:*', ['obs-a2'], []],
  ['Observation?_id=obs-a2&_include=Observation:subject&_include=Observation:has-member', ['obs-a2'], ['obs-a1', 'pat-a']],
  // a resource that is already a match is not included again
  ['Observation?subject=Patient/pat-a&_include=Observation:has-member', ['obs-a1', 'obs-a2'], []],
  // _revinclude: by parameter, *, deleted referrers never
  ['Patient?_id=pat-a&_revinclude=Observation:subject', ['pat-a'], ['obs-a1', 'obs-a2']],
  ['Patient?_id=pat-b&_revinclude=Observation:subject', ['pat-b'], ['obs-b1', 'obs-cycle-1', 'obs-cycle-2']],
  ['Patient?_id=pat-a&_revinclude=*', ['pat-a'], ['enc-a', 'obs-a1', 'obs-a2']],
  ['Patient?_id=pat-a&_revinclude=Encounter:*', ['pat-a'], ['enc-a']],
  ['Patient?_id=pat-a,pat-b&_revinclude=Encounter:subject', ['pat-a', 'pat-b'], ['enc-a', 'enc-b']],
  ['Organization?_id=org-acme&_revinclude=Patient:organization&_revinclude=Observation:subject', ['org-acme'], ['pat-a']],
  ['Patient?_id=pat-a&_revinclude=Observation:subject&_include=Patient:general-practitioner', ['pat-a'], ['obs-a1', 'obs-a2', 'prac-x']],
  // :iterate follows included resources too, to a fixed point, cycles included
  ['Observation?_id=obs-a1&_include=Observation:subject&_include=Patient:general-practitioner', ['obs-a1'], ['pat-a']],
  ['Observation?_id=obs-a1&_include=Observation:subject&_include:iterate=Patient:general-practitioner', ['obs-a1'], ['pat-a', 'prac-x']],
  ['Encounter?_id=enc-a&_include=Encounter:subject&_include:iterate=Patient:organization', ['enc-a'], ['org-acme', 'pat-a']],
  ['Observation?_id=obs-cycle-1&_include:iterate=Observation:has-member', ['obs-cycle-1'], ['obs-cycle-2']],
  ['Organization?_id=org-acme&_revinclude:iterate=Patient:organization&_revinclude:iterate=Observation:subject', ['org-acme'], ['obs-a1', 'obs-a2', 'pat-a']],
  ['Practitioner?_id=prac-x&_revinclude:iterate=Patient:general-practitioner&_revinclude:iterate=DiagnosticReport:result&_revinclude:iterate=Observation:subject', ['prac-x'], ['obs-a1', 'obs-a2', 'pat-a', 'rep-a']],
  ['Observation?_id=obs-a1&_include=Observation:subject&_revinclude:iterate=Encounter:subject', ['obs-a1'], ['enc-a', 'pat-a']],
];

const NOT_UNDERSTOOD = [
  'Observation?_include=Observation:nonsense',
  'Observation?_include=Observation:code',
  'Observation?_include=Unicorn:subject',
  'Observation?_include=Observation:subject:Medication',
  'Observation?_include=Observation',
  'Observation?_include:sideways=Observation:subject',
  'Patient?_revinclude=Observation:nonsense',
  'Patient?_revinclude=Observation:*:Patient',
];

describe(`_include and _revinclude (${storeName()})`, () => {
  const t = useTestApp();
  beforeAll(() => loadGraph(t.app));

  it.each(CASES)('when searching %s, then the matches and the included resources are exactly those expected', async (query, matches, included) => {
    const bundle = (await request(t.app).get(`/fhir/${query}`).set('Prefer', 'handling=strict').expect(200)).body as Bundle;
    expect(idsOf(bundle)).toEqual(matches);
    expect(idsOf(bundle, 'include')).toEqual(included);
    const fullUrls = (bundle.entry ?? []).map((e) => e.fullUrl);
    expect(new Set(fullUrls).size).toBe(fullUrls.length);
    expect(bundle.total).toBe(matches.length);
  });

  it('when includes are asked, then they follow the matches and the self link repeats them', async () => {
    const query = 'Patient?_id=pat-a&_revinclude=Observation:subject&_include:iterate=Patient:general-practitioner';
    const bundle = (await request(t.app).get(`/fhir/${query}`).expect(200)).body as Bundle;
    expect(bundle.entry?.map((e) => e.search?.mode)).toEqual(['match', 'include', 'include', 'include']);
    expect(bundle.entry?.[1].fullUrl).toMatch(/^http:\/\/localhost\/fhir\/(Observation|Practitioner)\//);
    const self = new URL(bundle.link?.find((l) => l.relation === 'self')?.url as string);
    expect(self.searchParams.getAll('_revinclude')).toEqual(['Observation:subject']);
    expect(self.searchParams.getAll('_include:iterate')).toEqual(['Patient:general-practitioner']);
  });

  it('when _summary=count is asked, then nothing is included', async () => {
    const bundle = (await request(t.app).get('/fhir/Patient?_id=pat-a&_revinclude=*&_summary=count').expect(200)).body as Bundle;
    expect(bundle.total).toBe(1);
    expect(bundle.entry).toBeUndefined(); // FHIR JSON has no empty arrays
  });

  it('when _elements is asked, then included resources are shaped like the matches', async () => {
    const bundle = (await request(t.app).get('/fhir/Observation?_id=obs-a1&_include=Observation:subject&_elements=status').expect(200)).body as Bundle;
    const included = bundle.entry?.find((e) => e.search?.mode === 'include')?.resource as Patient;
    expect(included).toMatchObject({ resourceType: 'Patient', id: 'pat-a' });
    expect(included.name).toBeUndefined();
  });

  it.each(NOT_UNDERSTOOD)('when %s is sent strictly, then 400; leniently, then it is ignored and reported', async (query) => {
    await request(t.app).get(`/fhir/${query}`).set('Prefer', 'handling=strict').expect(400);
    const bundle = (await request(t.app).get(`/fhir/${query}&_id=obs-a1,pat-a`).expect(200)).body as Bundle;
    expect(idsOf(bundle, 'include')).toEqual([]);
    expect(bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource?.resourceType).toBe('OperationOutcome');
    const self = bundle.link?.find((l) => l.relation === 'self')?.url as string;
    expect(self).not.toContain('include');
  });
});
