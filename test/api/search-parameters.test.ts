import type { Bundle, CapabilityStatement, OperationOutcome, Parameters, Patient, SearchParameter } from '@medplum/fhirtypes';
import request from 'supertest';
import { patient } from '../helpers/fixtures';
import { storeName, useTestApp, type TestApp } from '../helpers/test-app';

const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';
const SERVER_OWNED = encodeURIComponent('https://stroma-fhir.org/fhir/CodeSystem/server-owned|profiles');

/** A client-defined parameter: Patient by the city of the core patient-birthPlace extension. */
function birthPlaceParameter(overrides: Partial<SearchParameter> = {}): SearchParameter {
  return {
    resourceType: 'SearchParameter',
    url: 'http://example.org/fhir/SearchParameter/patient-birth-place',
    name: 'PatientBirthPlace',
    status: 'active',
    description: 'City of birth',
    code: 'birth-place',
    base: ['Patient'],
    type: 'string',
    expression: `Patient.extension('${BIRTH_PLACE}').value.ofType(Address).city`,
    ...overrides,
  };
}

function bornIn(city: string, mrn: string): Patient {
  return { ...patient(mrn), extension: [{ url: BIRTH_PLACE, valueAddress: { city } }] };
}

const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => (e.resource as Patient).identifier?.[0].value).sort();

async function listed(t: TestApp, type: string, name: string) {
  const statement = (await request(t.app).get('/fhir/metadata')).body as CapabilityStatement;
  return statement.rest?.[0].resource?.find((r) => r.type === type)?.searchParam?.find((p) => p.name === name);
}

async function reindex(t: TestApp, query = ''): Promise<Parameters> {
  return (await request(t.app).post(`/fhir/$reindex${query}`).expect(200)).body as Parameters;
}

describe(`SearchParameter resources as search parameters (${storeName()})`, () => {
  const t = useTestApp();
  let parameterId: string;
  beforeAll(async () => {
    await request(t.app).post('/fhir/Patient').send(bornIn('Montreal', 'OLD-1')).expect(201);
    await request(t.app).post('/fhir/Patient').send(bornIn('Paris', 'OLD-2')).expect(201);
  });

  it('when a SearchParameter is POSTed over existing resources, then searching by it is refused until a reindex, and it is not advertised', async () => {
    const created = await request(t.app).post('/fhir/SearchParameter').send(birthPlaceParameter()).expect(201);
    parameterId = created.body.id;
    await request(t.app).post('/fhir/Patient').send(bornIn('Montreal', 'NEW-1')).expect(201);
    const refused = await request(t.app).get('/fhir/Patient?birth-place=Montreal').expect(400);
    expect((refused.body as OperationOutcome).issue?.[0].diagnostics).toMatch(/cannot be searched yet.*reindex/);
    expect(await listed(t, 'Patient', 'birth-place')).toBeUndefined();
  });

  it('when the index is rebuilt, then resources stored before and after the definition are found, and the CapabilityStatement lists it', async () => {
    const result = await reindex(t);
    expect(result.parameter?.find((p) => p.name === 'reindexed')?.valueInteger).toBeGreaterThanOrEqual(4);
    expect(result.parameter?.filter((p) => p.name === 'completed').map((p) => p.valueString)).toContain('Patient.birth-place');
    const found = await request(t.app).get('/fhir/Patient?birth-place=montr').set('Prefer', 'handling=strict').expect(200);
    expect(matches(found.body)).toEqual(['NEW-1', 'OLD-1']);
    expect(await listed(t, 'Patient', 'birth-place')).toEqual({
      name: 'birth-place', type: 'string', definition: 'http://example.org/fhir/SearchParameter/patient-birth-place',
    });
  });

  it('when a searchable parameter is updated with a new expression, then it is refused again until the next reindex, which applies the new expression', async () => {
    const country = birthPlaceParameter({ id: parameterId, expression: `Patient.extension('${BIRTH_PLACE}').value.ofType(Address).country` });
    await request(t.app).put(`/fhir/SearchParameter/${parameterId}`).send(country).expect(200);
    await request(t.app).post('/fhir/Patient').send({ ...patient('NEW-2'), extension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Lyon', country: 'France' } }] }).expect(201);
    await request(t.app).get('/fhir/Patient?birth-place=France').expect(400);
    await reindex(t, '?type=Patient');
    expect(matches((await request(t.app).get('/fhir/Patient?birth-place=France').expect(200)).body)).toEqual(['NEW-2']);
    expect(matches((await request(t.app).get('/fhir/Patient?birth-place=Montreal').expect(200)).body)).toEqual([]);
  });

  it('when an update changes only its description, then it stays searchable', async () => {
    const current = (await request(t.app).get(`/fhir/SearchParameter/${parameterId}`)).body as SearchParameter;
    await request(t.app).put(`/fhir/SearchParameter/${parameterId}`).send({ ...current, description: 'Country of birth' }).expect(200);
    await request(t.app).get('/fhir/Patient?birth-place=France').expect(200);
  });

  it('when the SearchParameter is deleted, then the parameter is unknown again', async () => {
    await request(t.app).delete(`/fhir/SearchParameter/${parameterId}`).expect(200);
    await request(t.app).get('/fhir/Patient?birth-place=France').set('Prefer', 'handling=strict').expect(400);
    expect(await listed(t, 'Patient', 'birth-place')).toBeUndefined();
  });

  it('when a SearchParameter is defined for a type with no resources yet, then it is searchable at once and new writes are indexed', async () => {
    const parameter = birthPlaceParameter({
      url: 'http://example.org/fhir/SearchParameter/person-birth-place', code: 'birth-place', base: ['RelatedPerson'],
      expression: `RelatedPerson.extension('${BIRTH_PLACE}').value.ofType(Address).city`,
    });
    await request(t.app).post('/fhir/SearchParameter').send(parameter).expect(201);
    expect(await listed(t, 'RelatedPerson', 'birth-place')).toBeDefined();
    const person = { resourceType: 'RelatedPerson', patient: { reference: 'Patient/x' }, extension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Quebec' } }] };
    const id = (await request(t.app).post('/fhir/RelatedPerson').send(person).expect(201)).body.id;
    const found = (await request(t.app).get('/fhir/RelatedPerson?birth-place=queb').expect(200)).body as Bundle;
    expect(found.entry?.map((e) => e.resource?.id)).toEqual([id]);
  });

  it('when a draft SearchParameter is stored, then it is kept but not used', async () => {
    const draft = birthPlaceParameter({ url: 'http://example.org/fhir/SearchParameter/draft', code: 'draft-place', status: 'draft' });
    await request(t.app).post('/fhir/SearchParameter').send(draft).expect(201);
    await request(t.app).get('/fhir/Patient?draft-place=x').set('Prefer', 'handling=strict').expect(400);
    expect(await listed(t, 'Patient', 'draft-place')).toBeUndefined();
  });
});

describe(`a composite SearchParameter POSTed by a client (${storeName()})`, () => {
  const t = useTestApp();

  it('when its components are parameters of its base, then after a reindex both must match the same resource', async () => {
    await request(t.app).post('/fhir/Patient').send(patient('C-1')).expect(201);
    const composite: SearchParameter = {
      ...birthPlaceParameter({ url: 'http://example.org/fhir/SearchParameter/gender-birthdate', code: 'gender-birthdate', type: 'composite' }),
      expression: 'Patient',
      component: [
        { definition: 'http://hl7.org/fhir/SearchParameter/individual-gender', expression: 'gender' },
        { definition: 'http://hl7.org/fhir/SearchParameter/individual-birthdate', expression: 'birthDate' },
      ],
    };
    await request(t.app).post('/fhir/SearchParameter').send(composite).expect(201);
    await reindex(t);
    const search = async (value: string) =>
      matches((await request(t.app).get(`/fhir/Patient?gender-birthdate=${value}`).set('Prefer', 'handling=strict').expect(200)).body);
    expect(await search('female$1968-04-12')).toEqual(['C-1']);
    expect(await search('female$ge1968')).toEqual(['C-1']);
    expect(await search('male$1968-04-12')).toEqual([]);
    expect(await search('female$1970')).toEqual([]);
  });
});

describe(`invalid SearchParameter resources (${storeName()})`, () => {
  const t = useTestApp();

  const BAD: [string, Partial<SearchParameter> | Record<string, unknown>, string][] = [
    ['no code', { code: undefined }, 'SearchParameter.code'],
    ['a code with a dot', { code: 'birth.place' }, 'SearchParameter.code'],
    ['a code of R4 (Patient.name)', { code: 'name' }, 'SearchParameter.code'],
    ['a code a profile parameter holds', { code: 'grade', base: ['AdverseEvent'], expression: 'AdverseEvent.severity' }, 'SearchParameter.code'],
    ['an unknown base', { base: ['Patient', 'Nonsense'] }, 'SearchParameter.base'],
    ['no base', { base: [] }, 'SearchParameter.base'],
    ['a type the server does not index', { type: 'special' }, 'SearchParameter.type'],
    ['a composite without components', { type: 'composite' }, 'SearchParameter.component'],
    [
      'a composite with a component no parameter of its base defines',
      { type: 'composite', component: [{ definition: 'http://hl7.org/fhir/SearchParameter/individual-gender', expression: 'gender' }, { definition: 'http://example.org/none', expression: 'x' }] },
      'SearchParameter.component',
    ],
    ['an unknown type', { type: 'colour' }, 'SearchParameter.type'],
    ['no expression', { expression: undefined }, 'SearchParameter.expression'],
    ['an expression that does not parse', { expression: 'Patient.name.where(' }, 'SearchParameter.expression'],
    ['an expression calling an unknown function', { expression: 'Patient.name.frobnicate()' }, 'SearchParameter.expression'],
    ['no url', { url: undefined }, 'SearchParameter.url'],
    ['the url of a profile parameter', { url: 'https://stroma-fhir.org/fhir/SearchParameter/adverseevent-grade' }, 'SearchParameter.url'],
    ['no status', { status: undefined }, 'SearchParameter.status'],
    ['an unknown target', { type: 'reference', expression: 'Patient.generalPractitioner', target: ['Nobody'] }, 'SearchParameter.target'],
  ];

  it.each(BAD)('when a SearchParameter has %s, then it is refused with 400 naming the element', async (_label, change, expression) => {
    const response = await request(t.app).post('/fhir/SearchParameter').send({ ...birthPlaceParameter(), ...change }).expect(400);
    const outcome = response.body as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue?.flatMap((i) => i.expression ?? [])).toContain(expression);
    // The server's copies of the profiles/ parameters aside, nothing is stored.
    expect((await request(t.app).get(`/fhir/SearchParameter?_tag:not=${SERVER_OWNED}`)).body.total).toBe(0);
  });

  it('when a transaction holds an invalid SearchParameter, then nothing of it is stored', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: patient('TX-1'), request: { method: 'POST', url: 'Patient' } },
        { resource: birthPlaceParameter({ expression: 'Patient.(' }), request: { method: 'POST', url: 'SearchParameter' } },
      ],
    };
    const response = await request(t.app).post('/fhir').send(bundle).expect(400);
    expect(response.body.issue[0].expression[0]).toMatch(/^Bundle\.entry\[1\]/);
    expect((await request(t.app).get('/fhir/Patient?identifier=TX-1')).body.total).toBe(0);
  });

  it('when a second SearchParameter takes a stored one\'s code on the same base, then it is refused', async () => {
    await request(t.app).post('/fhir/SearchParameter').send(birthPlaceParameter()).expect(201);
    const clash = birthPlaceParameter({ url: 'http://example.org/fhir/SearchParameter/other' });
    const response = await request(t.app).post('/fhir/SearchParameter').send(clash).expect(400);
    expect(response.body.issue[0].diagnostics).toContain('Patient already has a search parameter "birth-place"');
  });

  it('when $reindex names an unknown type or parameter, then 400', async () => {
    await request(t.app).post('/fhir/$reindex?type=Nonsense').expect(400);
    await request(t.app).post('/fhir/$reindex?colour=blue').expect(400);
  });
});
