import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Observation, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import request from 'supertest';
import { DEFAULT_PROFILES_DIR } from '../../src/config';
import { hemoglobin, patient } from '../helpers/fixtures';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';

const HEMOGLOBIN_PROFILE = 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-hemoglobin';
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

/** The project's hemoglobin example without its meta.profile: the profile then comes from the request. */
function hemoglobinExample(): Observation {
  const file = path.join(DEFAULT_PROFILES_DIR, 'examples', 'Observation-synthetic-hemoglobin.json');
  const { meta: _meta, id: _id, ...example } = JSON.parse(readFileSync(file, 'utf8')) as Observation;
  return example as Observation;
}

/** Out of the profile's range (1-25 g/dL), and without the effective time trial observations need. */
function brokenHemoglobin(): Observation {
  const { effectiveDateTime: _e, ...broken } = hemoglobinExample();
  return { ...broken, valueQuantity: { ...broken.valueQuantity, value: 106 } };
}

/** A narrative, so that a valid resource has no issue at all (dom-6 warns of a resource without one). */
function narrated<T extends object>(resource: T): T {
  return { ...resource, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">A resource</div>' } };
}

const errorsOf = (outcome: OperationOutcome): OperationOutcomeIssue[] => (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
const expressionsOf = (outcome: OperationOutcome): string[] => errorsOf(outcome).flatMap((i) => i.expression ?? []).sort();

/** The broken hemoglobin's two errors: the range invariant, and the missing effective[x] (reported on its parent, as HL7's validator does). */
const BROKEN_HEMOGLOBIN_ERRORS = [
  { expression: ['Observation'], diagnostics: expect.stringContaining('stroma-hemoglobin-range') },
  { expression: ['Observation'], diagnostics: expect.stringContaining('Observation.effective[x]: minimum required = 1') },
];
const brokenHemoglobinErrors = (outcome: OperationOutcome) =>
  errorsOf(outcome)
    .map(({ expression, diagnostics }) => ({ expression, diagnostics }))
    .sort((a, b) => String(a.diagnostics).localeCompare(String(b.diagnostics)));

describe(`$validate (${storeName()})`, () => {
  const t = useTestApp();
  const validate = (url: string, body: unknown) => request(t.app).post(`/fhir/${url}`).set('Content-Type', FHIR_JSON).send(body as object);

  it('when a valid Patient is validated, then the answer is 200 with one information issue "All OK"', async () => {
    const res = await validate('Patient/$validate', narrated(patient('VALID-1')));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: 'All OK', expression: ['Patient'] }] });
  });

  it('when an Observation has status "bogus", then the answer is 200 with an error at Observation.status', async () => {
    const res = await validate('Observation/$validate', { ...hemoglobin('Patient/x'), status: 'bogus' });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(expressionsOf(res.body)).toEqual(['Observation.status']);
  });

  it('when issues of several severities are found, then each has its expression and the errors come first', async () => {
    const res = await validate('Observation/$validate', { ...hemoglobin('Patient/x'), status: 'bogus', meta: { profile: ['https://example.org/unknown'] } });
    const issues = res.body.issue as OperationOutcomeIssue[];
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(issues.every((i) => (i.expression ?? []).length === 1)).toBe(true);
    const order = issues.map((i) => ['fatal', 'error', 'warning', 'information'].indexOf(i.severity));
    expect(order).toEqual([...order].sort());
  });

  it('when the profile parameter names the hemoglobin profile, then the example passes and a broken copy fails on it', async () => {
    const good = await validate(`Observation/$validate?profile=${encodeURIComponent(HEMOGLOBIN_PROFILE)}`, hemoglobinExample());
    expect(good.status).toBe(200);
    expect(errorsOf(good.body)).toEqual([]);
    const broken = await validate(`Observation/$validate?profile=${encodeURIComponent(HEMOGLOBIN_PROFILE)}`, brokenHemoglobin());
    expect(broken.status).toBe(200);
    expect(brokenHemoglobinErrors(broken.body)).toEqual(BROKEN_HEMOGLOBIN_ERRORS);
    // without the profile, the broken copy is a valid R4 Observation
    expect(errorsOf((await validate('Observation/$validate', brokenHemoglobin())).body)).toEqual([]);
  });

  it('when the profile comes in a Parameters body, then it applies as from the query string', async () => {
    const res = await validate('Observation/$validate', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: brokenHemoglobin() },
        { name: 'profile', valueUri: HEMOGLOBIN_PROFILE },
      ],
    });
    expect(res.status).toBe(200);
    expect(brokenHemoglobinErrors(res.body)).toEqual(BROKEN_HEMOGLOBIN_ERRORS);
  });

  it('when the profile is unknown to the server, then the answer is still 200, with an error saying so', async () => {
    const res = await validate('Patient/$validate?profile=https://example.org/fhir/StructureDefinition/nope', patient('UNKNOWN-PROFILE'));
    expect(res.status).toBe(200);
    expect(errorsOf(res.body)).toHaveLength(1);
    expect(errorsOf(res.body)[0].diagnostics).toContain('https://example.org/fhir/StructureDefinition/nope');
  });

  it('when an Observation names its study, then $validate holds it to the trial profile, with the errors a write gets', async () => {
    const trial = { ...brokenHemoglobin(), extension: [{ url: STUDY_EXTENSION, valueReference: { reference: 'ResearchStudy/s1' } }] };
    const res = await validate('Observation/$validate', trial);
    expect(res.status).toBe(200);
    expect(brokenHemoglobinErrors(res.body)).toEqual(BROKEN_HEMOGLOBIN_ERRORS);
    const write = await request(t.app).post('/fhir/Observation').send(trial);
    expect(write.status).toBe(422);
    expect(expressionsOf(write.body)).toEqual(expressionsOf(res.body));
  });

  it('when mode=create is given, then the resource is judged as a create', async () => {
    const res = await validate('Patient/$validate?mode=create', narrated(patient('CREATE-1')));
    expect(res.status).toBe(200);
    expect(res.body.issue[0].diagnostics).toBe('All OK');
  });

  it('when mode=update names another id than the URL, or none, then the answer is 400', async () => {
    const mismatch = await validate('Patient/p-1/$validate?mode=update', { ...patient(), id: 'p-2' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issue[0].expression).toEqual(['Patient.id']);
    expect((await validate('Patient/p-1/$validate?mode=update', patient())).status).toBe(400);
  });

  it('when mode=update or delete is asked at type level, then the answer is 400', async () => {
    expect((await validate('Patient/$validate?mode=update', { ...patient(), id: 'p-1' })).status).toBe(400);
    expect((await validate('Patient/$validate?mode=delete', {})).status).toBe(400);
  });

  it('when mode=update targets a resource that does not exist, then it is valid and says the update would create it', async () => {
    const res = await validate('Patient/not-yet/$validate?mode=update', narrated({ ...patient(), id: 'not-yet' }));
    expect(res.status).toBe(200);
    expect(res.body.issue).toEqual([expect.objectContaining({ severity: 'information', diagnostics: 'Patient/not-yet does not exist: the update would create it' })]);
  });

  it('when mode=update validates an existing resource, then it is checked as that update (Parameters form)', async () => {
    const created = (await request(t.app).post('/fhir/Patient').send(patient('UPDATE-1'))).body;
    const res = await validate(`Patient/${created.id}/$validate`, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: { ...created, gender: 'nonsense' } },
        { name: 'mode', valueCode: 'update' },
      ],
    });
    expect(res.status).toBe(200);
    expect(expressionsOf(res.body)).toEqual(['Patient.gender']);
  });

  it('when mode=delete names a missing id, then 404; a deleted one, 410; an existing one, 200 saying it may be deleted', async () => {
    expect((await request(t.app).get('/fhir/Patient/missing/$validate?mode=delete')).status).toBe(404);
    const created = (await request(t.app).post('/fhir/Patient').send(patient('DELETE-1'))).body;
    const ok = await request(t.app).get(`/fhir/Patient/${created.id}/$validate?mode=delete`);
    expect(ok.status).toBe(200);
    expect(ok.body.issue).toEqual([expect.objectContaining({ severity: 'information', diagnostics: `Patient/${created.id} may be deleted` })]);
    expect((await validate(`Patient/${created.id}/$validate?mode=delete`, undefined)).status).toBe(200);
    await request(t.app).delete(`/fhir/Patient/${created.id}`);
    expect((await request(t.app).get(`/fhir/Patient/${created.id}/$validate?mode=delete`)).status).toBe(410);
    expect((await request(t.app).get(`/fhir/Patient/${created.id}`)).status).toBe(410);
  });

  it('when the request is not one the operation can run, then the answer is 400 with an OperationOutcome', async () => {
    const bad = [
      await validate('Patient/$validate', [patient()]),
      await validate('Patient/$validate', { resourceType: 'Parameters', parameter: [{ name: 'mode', valueCode: 'create' }] }),
      await validate('Patient/$validate', hemoglobin('Patient/x')),
      await validate('Patient/$validate?mode=bogus', patient()),
      await validate('Patient/$validate', { gender: 'female' }),
      await request(t.app).post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send('{"resourceType":'),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(bad.every((r) => r.body.resourceType === 'OperationOutcome' && r.body.issue[0].severity === 'error')).toBe(true);
  });

  it('when content is malformed (an extension that is not an array), then it is 200 with the errors, not a server error', async () => {
    const res = await validate('Observation/$validate', { ...hemoglobin('Patient/x'), extension: { url: STUDY_EXTENSION }, code: { coding: 'x' } });
    expect(res.status).toBe(200);
    expect(expressionsOf(res.body).length).toBeGreaterThan(0);
  });

  it('when a Parameters resource is validated, then it is sent as the resource parameter to Parameters/$validate', async () => {
    const inner = { resourceType: 'Parameters', parameter: [{ name: 'x', valueString: 'y' }, { name: 'bad' }] };
    const res = await validate('Parameters/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: inner }] });
    expect(res.status).toBe(200);
    expect(errorsOf(res.body).length).toBeGreaterThan(0);
    expect((await request(t.app).post('/fhir/Parameters').send(inner)).status).toBe(404);
    expect((await validate('Unknown/$validate', { resourceType: 'Unknown' })).status).toBe(404);
  });

  it('when Prefer: return=minimal is sent, then the outcome is still the answer', async () => {
    const res = await validate('Patient/$validate', patient()).set('Prefer', 'return=minimal');
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('when resources are validated in every form, then none of them is stored', async () => {
    const marker = patient('NEVER-STORED');
    await validate('Patient/$validate', marker);
    await validate('Patient/$validate?mode=create', marker);
    await validate('Patient/never/$validate?mode=update', { ...marker, id: 'never' });
    await validate('Patient/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: marker }] });
    const search = await request(t.app).get('/fhir/Patient?identifier=NEVER-STORED');
    expect(search.body.total).toBe(0);
    expect((await request(t.app).get('/fhir/Patient/never')).status).toBe(404);
  });

  it('when $validate entries are in a batch, then each answers 200 with its outcome and nothing is stored', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'POST', url: 'Patient/$validate' }, resource: narrated(patient('BATCH-VALIDATE')) },
        { request: { method: 'POST', url: 'Observation/$validate?mode=create' }, resource: { ...hemoglobin('Patient/x'), status: 'bogus' } as unknown as Observation },
        { request: { method: 'GET', url: 'Patient/missing/$validate?mode=delete' } },
      ],
    };
    const res = await request(t.app).post('/fhir').send(bundle);
    expect(res.status).toBe(200);
    const [valid, invalid, missing] = res.body.entry;
    expect(valid.response.status).toBe('200 OK');
    expect(valid.resource.issue[0].diagnostics).toBe('All OK');
    expect(invalid.response.status).toBe('200 OK');
    expect(expressionsOf(invalid.resource)).toEqual(['Observation.status']);
    expect(missing.response.status).toBe('404 Not Found');
    expect((await request(t.app).get('/fhir/Patient?identifier=BATCH-VALIDATE')).body.total).toBe(0);
  });

  it('when $validate is in a transaction, then it sees the entries written before it and stores nothing itself', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:0f0f0f0f-0000-4000-8000-000000000001', request: { method: 'POST', url: 'Patient' }, resource: patient('TX-VALIDATE') },
        { request: { method: 'POST', url: 'Observation/$validate' }, resource: narrated(hemoglobin('urn:uuid:0f0f0f0f-0000-4000-8000-000000000001')) },
      ],
    };
    const res = await request(t.app).post('/fhir').send(bundle);
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('201 Created');
    expect(res.body.entry[1].response.status).toBe('200 OK');
    expect(res.body.entry[1].resource.issue[0].diagnostics).toBe('All OK');
    const subject = `Patient/${res.body.entry[0].resource.id}`;
    expect((await request(t.app).get(`/fhir/Observation?subject=${subject}`)).body.total).toBe(0);
  });

  it('when /metadata is read, then every resource type lists the validate operation with its definition', async () => {
    const statement = (await request(t.app).get('/fhir/metadata')).body;
    const resources = statement.rest[0].resource as { type: string; operation?: { name: string }[] }[];
    expect(resources.length).toBeGreaterThan(100);
    for (const r of resources) {
      expect([r.type, r.operation?.filter((o) => o.name === 'validate')]).toEqual([r.type, [{ name: 'validate', definition: 'https://stroma-fhir.org/fhir/OperationDefinition/validate' }]]);
    }
    expect(statement.rest[0].operation.map((o: { name: string }) => o.name)).toEqual(['reindex', 'export']);
  });
});
