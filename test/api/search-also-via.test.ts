import type { Bundle, OperationOutcome, Resource, SearchParameter } from '@medplum/fhirtypes';
import request from 'supertest';
import { idsOf } from '../helpers/graph-fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

const ALSO_VIA = 'https://stroma-fhir.org/fhir/StructureDefinition/search-parameter-also-via';

/** A client parameter: Observation by its performer's display name, and (with chains) by more. */
function who(chains: string[] = [], overrides: Partial<SearchParameter> = {}): SearchParameter {
  return {
    resourceType: 'SearchParameter',
    url: 'http://example.org/fhir/SearchParameter/observation-who',
    name: 'ObservationWho',
    status: 'active',
    description: 'Who the Observation is about or by',
    code: 'who',
    base: ['Observation'],
    type: 'string',
    expression: 'Observation.performer.display',
    extension: chains.length > 0 ? chains.map((valueString) => ({ url: ALSO_VIA, valueString })) : undefined,
    ...overrides,
  };
}

const RESOURCES: Resource[] = [
  { resourceType: 'Patient', id: 'pat-smith', name: [{ family: 'Smith' }] },
  { resourceType: 'Patient', id: 'pat-jones', name: [{ family: 'Jones' }] },
  { resourceType: 'Observation', id: 'obs-by-smith', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-jones' }, performer: [{ display: 'Smith' }] },
  { resourceType: 'Observation', id: 'obs-of-smith', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-smith' } },
  { resourceType: 'Observation', id: 'obs-by-jones', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-jones' }, performer: [{ display: 'Jones' }] },
] as Resource[];

/** Also-via extensions a SearchParameter POST must refuse, and what the refusal says. */
const REFUSED: [string, SearchParameter, RegExp][] = [
  ['an unknown parameter in the chain', who(['subject:Patient.nonsense']), /Unknown search parameter "nonsense" for Patient/],
  ['a chain ending at a parameter of another type', who(['subject:Patient.birthdate']), /a date parameter, not a string one/],
  ['a plain parameter instead of a chain', who(['identifier']), /not a chain/],
  ['a modifier on the last parameter', who(['subject:Patient.name:exact']), /takes no modifier/],
  ['an unknown type in _has', who(['_has:Unicorn:subject:name']), /Unknown resource type "Unicorn"/],
  ['a chain that cannot start on one of the bases', who(['subject:Patient.name'], { base: ['Observation', 'Patient'], expression: 'Observation.performer.display | Patient.name.text' }), /from Patient, Unknown search parameter "subject"/],
  ['a value that is not a string', { ...who(), extension: [{ url: ALSO_VIA, valueCode: 'subject:Patient.name' }] }, /takes a valueString/],
];

describe(`SearchParameters that also match through a chain (${storeName()})`, () => {
  const t = useTestApp();
  let whoId: string;
  beforeAll(async () => {
    whoId = (await request(t.app).post('/fhir/SearchParameter').send(who()).expect(201)).body.id;
    for (const resource of RESOURCES) {
      await request(t.app).put(`/fhir/${resource.resourceType}/${resource.id}`).send(resource).expect(201);
    }
  });

  it.each(REFUSED)('when a SearchParameter is POSTed with %s, then 400 with an OperationOutcome on its extension', async (_case, definition, message) => {
    const response = await request(t.app).post('/fhir/SearchParameter').send({ ...definition, url: `http://example.org/fhir/SearchParameter/refused-${Math.random()}`, code: 'refused' });
    expect(response.status).toBe(400);
    const issue = (response.body as OperationOutcome).issue?.find((i) => i.expression?.includes('SearchParameter.extension'));
    expect(issue?.diagnostics).toMatch(message);
  });

  it('when an also-via chain is added to a searchable parameter, then it applies at once, without a reindex', async () => {
    const before = (await request(t.app).get('/fhir/Observation?who=smith').set('Prefer', 'handling=strict').expect(200)).body as Bundle;
    expect(idsOf(before)).toEqual(['obs-by-smith']);
    await request(t.app).put(`/fhir/SearchParameter/${whoId}`).send({ ...who(['subject:Patient.name']), id: whoId }).expect(200);
    const after = (await request(t.app).get('/fhir/Observation?who=smith').set('Prefer', 'handling=strict').expect(200)).body as Bundle;
    expect(idsOf(after).sort()).toEqual(['obs-by-smith', 'obs-of-smith']);
  });

  it.each([
    ['who=jones', ['obs-by-jones', 'obs-by-smith']],
    ['who:exact=Smith', ['obs-by-smith', 'obs-of-smith']],
    ['who:exact=smith', []],
    ['who:contains=mit', ['obs-by-smith', 'obs-of-smith']],
    ['who:missing=true', ['obs-of-smith']],
    ['who=smith&who=jones', ['obs-by-smith']],
  ])('when searching Observation?%s, then the modifier applies to each route (:missing to the own element only)', async (query, expected) => {
    const bundle = (await request(t.app).get(`/fhir/Observation?${query}`).set('Prefer', 'handling=strict').expect(200)).body as Bundle;
    expect(idsOf(bundle).sort()).toEqual(expected);
  });

  describe('when the parameter an also-via chain passes through is deleted', () => {
    const nick = (code: string, base: string, expression: string, chains?: string[]): SearchParameter =>
      ({ ...who(chains, { url: `http://example.org/fhir/SearchParameter/${base}-nick`, name: `${base}Nick`, code, base: [base] as SearchParameter['base'], expression }) });
    beforeAll(async () => {
      const patientNick = await request(t.app).post('/fhir/SearchParameter').send(nick('nick', 'Patient', 'Patient.name.given')).expect(201);
      await request(t.app).post('/fhir/SearchParameter').send(nick('nick', 'Observation', 'Observation.note.text', ['subject:Patient.nick'])).expect(201);
      await request(t.app).delete(`/fhir/SearchParameter/${patientNick.body.id}`).expect(200);
    });

    it('then a strict search by it is refused with 400 naming the chain', async () => {
      const response = await request(t.app).get('/fhir/Observation?nick=x').set('Prefer', 'handling=strict').expect(400);
      expect((response.body as OperationOutcome).issue?.[0].diagnostics).toMatch(/also matches through "subject:Patient.nick".*Unknown search parameter "nick" for Patient/);
    });

    it('then a lenient search ignores it, says so, and leaves it out of the self link', async () => {
      const bundle = (await request(t.app).get('/fhir/Observation?nick=x&_id=obs-of-smith').expect(200)).body as Bundle;
      expect(idsOf(bundle)).toEqual(['obs-of-smith']);
      const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome;
      expect(outcome.issue?.[0].diagnostics).toMatch(/subject:Patient.nick/);
      expect(new URL(bundle.link?.find((l) => l.relation === 'self')?.url as string).searchParams.has('nick')).toBe(false);
    });
  });
});
