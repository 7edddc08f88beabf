import type { Bundle, Observation } from '@medplum/fhirtypes';
import request from 'supertest';
import { hemoglobin, patient } from '../helpers/fixtures';
import { storeName, useTestApp } from '../helpers/test-app';

describe(`search paging, totals and _source (${storeName()})`, () => {
  const t = useTestApp();
  const created: string[] = [];
  const get = (path: string) => request(t.app).get(path.replace('http://localhost', ''));
  const matchIds = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id as string);
  const linkOf = (bundle: Bundle, relation: string) => bundle.link?.find((l) => l.relation === relation)?.url;
  const createObservation = async (value: number, effective?: string) => {
    const body: Observation = { ...hemoglobin('Patient/p1', value, effective), effectiveDateTime: effective };
    const res = await request(t.app).post('/fhir/Observation').send(body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    // Ten dated Observations (days 10..19) and two without a date, which sort last either way.
    for (let day = 10; day < 20; day++) {
      created.push(await createObservation(day, `2024-05-${day}`));
    }
    created.push(await createObservation(1), await createObservation(2));
  });

  /** Follows `relation` links from `first`, running `between` before each step; returns the ids seen per page. */
  async function walk(first: string, relation: 'next' | 'previous', between: (step: number) => Promise<void> = async () => {}) {
    const pages: string[][] = [];
    let url: string | undefined = first;
    for (let step = 0; url && step < 50; step++) {
      const res = await get(url);
      expect(res.status).toBe(200);
      pages.push(matchIds(res.body));
      await between(step);
      url = linkOf(res.body, relation);
    }
    return pages;
  }

  it('when next links are followed while resources are created and deleted, then each match comes exactly once', async () => {
    const extra: string[] = [];
    const pages = await walk('/fhir/Observation?code=718-7&_count=3', 'next', async (step) => {
      if (step === 1) {
        // One of the first page's matches goes away, and a new one arrives: neither may shift the pages.
        expect((await request(t.app).delete(`/fhir/Observation/${created[0]}`)).status).toBeLessThan(300);
        extra.push(await createObservation(99, '2024-05-25'));
      }
    });
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...created, ...extra]);
    expect(pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);
  });

  it('when a sorted search is paged forward and back, then the order holds and previous pages match the ones seen', async () => {
    const forward = await walk('/fhir/Observation?code=718-7&_sort=-date,_id&_count=4', 'next');
    const res = await get(`/fhir/Observation?code=718-7&_sort=-date,_id&_count=1000`);
    expect(forward.flat()).toEqual(matchIds(res.body));
    const effective = (res.body as Bundle).entry?.map((e) => (e.resource as Observation).effectiveDateTime ?? null) ?? [];
    const withDate = effective.filter((d) => d !== null) as string[];
    expect(withDate).toEqual([...withDate].sort().reverse());
    expect(effective.slice(-2)).toEqual([null, null]);

    // From the last page, previous links give back the same pages in reverse.
    let lastUrl = '/fhir/Observation?code=718-7&_sort=-date,_id&_count=4';
    for (let i = 0; i < forward.length - 1; i++) {
      lastUrl = linkOf((await get(lastUrl)).body, 'next') as string;
    }
    const backward = await walk(lastUrl, 'previous');
    expect(backward).toEqual([...forward].reverse());
  });

  it('when the cursor is malformed or belongs to another sort, then 400', async () => {
    expect((await get('/fhir/Observation?_cursor=not-a-cursor')).status).toBe(400);
    const first = (await get('/fhir/Observation?_sort=date&_count=2')).body as Bundle;
    const next = linkOf(first, 'next') as string;
    expect((await get(next)).status).toBe(200);
    const resorted = next.replace('_sort=date', '_sort=date,-_lastUpdated');
    const refused = await get(resorted);
    expect(refused.status).toBe(400);
    expect(refused.body.resourceType).toBe('OperationOutcome');
  });

  it('when _summary=count, then only the total comes back, with no next link', async () => {
    const res = await get('/fhir/Observation?_summary=count&_count=1');
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThan(1);
    expect(res.body.entry ?? []).toEqual([]);
    expect(linkOf(res.body, 'next')).toBeUndefined();
  });

  it('when _total is none, estimate or accurate, then the total is left out, estimated or counted', async () => {
    const accurate = (await get('/fhir/Observation?code=718-7')).body as Bundle;
    expect(accurate.total).toBeGreaterThanOrEqual(11);
    expect((await get('/fhir/Observation?code=718-7&_total=none')).body.total).toBeUndefined();
    // Small result sets are counted even when an estimate is asked for.
    expect((await get('/fhir/Observation?code=718-7&_total=estimate')).body.total).toBe(accurate.total);
    expect((await get('/fhir/Observation?_total=sometimes')).status).toBe(400);
  });

  it('when an explicit _offset is given, then the page skips that many and links back by offset', async () => {
    const all = matchIds((await get('/fhir/Observation?code=718-7&_count=1000')).body);
    const res = await get('/fhir/Observation?code=718-7&_count=2&_offset=3');
    expect(matchIds(res.body)).toEqual(all.slice(3, 5));
    expect(matchIds((await get(linkOf(res.body, 'previous') as string)).body)).toEqual(all.slice(1, 3));
    expect(matchIds((await get(linkOf(res.body, 'next') as string)).body)).toEqual(all.slice(5, 7));
  });

  it('when searching by _source, then meta.source is matched as a uri', async () => {
    const sourced = { ...patient('SRC-1'), meta: { source: 'http://ehr.example.org/fhir#abc' } };
    const id = (await request(t.app).post('/fhir/Patient').send(sourced)).body.id;
    await request(t.app).post('/fhir/Patient').send({ ...patient('SRC-2'), meta: { source: 'http://other.example.org' } });
    expect(matchIds((await get('/fhir/Patient?_source=http://ehr.example.org/fhir%23abc')).body)).toEqual([id]);
    expect(matchIds((await get('/fhir/Patient?_source=http://nowhere.example.org')).body)).toEqual([]);
  });

  it('when conditional-create criteria carry a paging cursor, then every match still counts and nothing is created twice', async () => {
    const solo = (await request(t.app).post('/fhir/Patient').send(patient('SOLO-1', 'Soloist')).expect(201)).body.id;
    await request(t.app).post('/fhir/Patient').send(patient('SOLO-2', 'Otherwise')).expect(201);
    // The Soloist fills the first page; the next link's cursor points just past it.
    const first = (await get('/fhir/Patient?family=Soloist,Otherwise&_count=1')).body as Bundle;
    expect(matchIds(first)).toEqual([solo]);
    const pastSolo = new URL(linkOf(first, 'next') as string).searchParams.get('_cursor') as string;
    const existing = await request(t.app)
      .post('/fhir/Patient')
      .set('If-None-Exist', `family=Soloist&_cursor=${encodeURIComponent(pastSolo)}`)
      .send(patient('SOLO-1', 'Soloist'));
    expect(existing.status).toBe(200);
    expect(existing.body.id).toBe(solo);
  });
});
