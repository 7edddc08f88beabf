import { useTwoServers } from '../helpers/server-process';
import { patient } from '../helpers/fixtures';

const JSON_HEADERS = { 'Content-Type': 'application/fhir+json' };
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

// Stroma scales out as several stateless processes on one PostgreSQL: correctness under concurrency
// must hold across processes, not only within one. (PGlite is single-process by nature.)
onPostgres('two server processes on one PostgreSQL', () => {
  // Started together on an empty database: the migration lock lets exactly one create the schema.
  const servers = useTwoServers();

  it('when ten identical conditional creates race across both processes, then exactly one resource exists', async () => {
    const criteria = 'identifier=http://hospital.example.org/mrn|TWO-PROC';
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${servers[i % 2].baseUrl}/Patient`, {
          method: 'POST',
          headers: { ...JSON_HEADERS, 'If-None-Exist': criteria },
          body: JSON.stringify(patient('TWO-PROC')),
        }),
      ),
    );
    expect(responses.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
    expect(responses.map((r) => r.status).filter((s) => s === 200)).toHaveLength(9);
    const search = (await (await fetch(`${servers[0].baseUrl}/Patient?${criteria}`)).json()) as { total: number };
    expect(search.total).toBe(1);
  });

  it('when writers on both processes race with the same If-Match, then exactly one wins', async () => {
    const created = (await (await fetch(`${servers[0].baseUrl}/Patient`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(patient('IFM')) })).json()) as { id: string };
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${servers[i % 2].baseUrl}/Patient/${created.id}`, {
          method: 'PUT',
          headers: { ...JSON_HEADERS, 'If-Match': 'W/"1"' },
          body: JSON.stringify({ ...patient('IFM'), id: created.id, name: [{ family: `Writer${i}` }] }),
        }),
      ),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(9);
    const current = (await (await fetch(`${servers[1].baseUrl}/Patient/${created.id}`)).json()) as { meta: { versionId: string } };
    expect(current.meta.versionId).toBe('2');
  });
});
