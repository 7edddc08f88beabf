import type { Bundle } from '@medplum/fhirtypes';
import request from 'supertest';
import { useTestApp, storeName } from '../helpers/test-app';
import { hemoglobin, patient } from '../helpers/fixtures';

describe(`basic search (${storeName()})`, () => {
  const t = useTestApp();
  let patientId: string;
  beforeAll(async () => {
    patientId = (await request(t.app).post('/fhir/Patient').send(patient('S-1', 'Lévesque'))).body.id;
    await request(t.app).post('/fhir/Patient').send(patient('S-2', 'Levy'));
    for (const [value, date] of [[11, '2024-01-15'], [12, '2024-02-15'], [13, '2023-12-31T23:00:00Z']] as const) {
      await request(t.app).post('/fhir/Observation').send(hemoglobin(`Patient/${patientId}`, value, date));
    }
  });

  const ids = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id);
  const search = (query: string) => request(t.app).get(`/fhir/${query}`);

  it('when searching by token, string, reference and date, then only matches come back', async () => {
    expect((await search('Patient?identifier=http://hospital.example.org/mrn|S-1')).body.total).toBe(1);
    expect((await search('Patient?identifier=S-1,S-2')).body.total).toBe(2);
    expect((await search('Patient?family=leves')).body.total).toBe(1);
    expect((await search('Patient?family=LEV')).body.total).toBe(2);
    expect((await search('Patient?family:exact=Levy')).body.total).toBe(1);
    expect((await search(`Observation?subject=Patient/${patientId}`)).body.total).toBe(3);
    expect((await search(`Observation?subject=${patientId}&code=http://loinc.org|718-7`)).body.total).toBe(3);
    expect((await search('Observation?date=2024-01')).body.total).toBe(1);
    expect((await search('Observation?date=ge2024-01-01')).body.total).toBe(2);
    expect((await search('Observation?date=lt2024')).body.total).toBe(1);
  });

  it('when _id, _lastUpdated, _sort and _count are used, then the page is ordered and linked', async () => {
    expect(ids((await search(`Patient?_id=${patientId}`)).body)).toEqual([patientId]);
    expect((await search('Observation?_lastUpdated=gt2000-01-01')).body.total).toBe(3);
    const sorted = (await search('Observation?_sort=-date&_count=2')).body as Bundle;
    expect(sorted.entry?.map((e) => (e.resource as { effectiveDateTime: string }).effectiveDateTime)).toEqual(['2024-02-15', '2024-01-15']);
    const next = sorted.link?.find((l) => l.relation === 'next')?.url as string;
    const second = (await request(t.app).get(next.replace('http://localhost', ''))).body as Bundle;
    expect(second.entry?.map((e) => (e.resource as { effectiveDateTime: string }).effectiveDateTime)).toEqual(['2023-12-31T23:00:00Z']);
    expect(second.link?.find((l) => l.relation === 'previous')).toBeDefined();
  });

  it('when an unknown parameter is sent leniently, then it is ignored and reported; strictly, then 400', async () => {
    const lenient = (await search('Patient?nonsense=1&family=Levy')).body as Bundle;
    expect(lenient.total).toBe(1);
    const outcome = lenient.entry?.find((e) => e.search?.mode === 'outcome');
    expect(outcome?.resource?.resourceType).toBe('OperationOutcome');
    expect(lenient.link?.[0].url).not.toContain('nonsense');
    const strict = await search('Patient?nonsense=1').set('Prefer', 'handling=strict');
    expect(strict.status).toBe(400);
  });

  it('when searching by _tag, _profile and _security, then meta of any resource type is searched', async () => {
    const tagged = {
      ...patient('TAGGED'),
      meta: {
        tag: [{ system: 'http://example.org/tags', code: 'trial-data' }],
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }],
        profile: ['http://hl7.org/fhir/StructureDefinition/Patient'],
      },
    };
    const id = (await request(t.app).post('/fhir/Patient').send(tagged)).body.id;
    expect(ids((await search('Patient?_tag=http://example.org/tags|trial-data')).body)).toEqual([id]);
    expect(ids((await search('Patient?_security=PSY')).body)).toEqual([id]);
    expect(ids((await search('Patient?_profile=http://hl7.org/fhir/StructureDefinition/Patient')).body)).toEqual([id]);
    expect((await search('Observation?_tag=trial-data')).body.total).toBe(0);
  });

  it('when a search is posted as a form to _search, then it answers like GET', async () => {
    const res = await request(t.app).post('/fhir/Patient/_search').type('form').send({ family: 'Levy' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
  });

  it('when values are malformed, then 400', async () => {
    expect((await search('Observation?date=not-a-date')).status).toBe(400);
    expect((await search('Patient?_count=-1')).status).toBe(400);
    expect((await search('Patient?identifier=|')).status).toBe(400);
  });

  it('when _summary=count, then only the total comes back', async () => {
    const res = (await search('Observation?_summary=count')).body as Bundle;
    expect(res.total).toBe(3);
    expect(res.entry).toBeUndefined(); // FHIR JSON has no empty arrays
  });

  it('when a page is the last one, before it or past the end, then the total counts every match', async () => {
    const page = async (offset: number) => (await search(`Observation?_count=2&_offset=${offset}`)).body as Bundle;
    expect([(await page(0)).total, (await page(0)).entry?.length]).toEqual([3, 2]);
    expect([(await page(2)).total, (await page(2)).entry?.length]).toEqual([3, 1]);
    expect([(await page(10)).total, (await page(10)).entry?.length ?? 0]).toEqual([3, 0]);
  });
});
