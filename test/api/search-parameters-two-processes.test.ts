import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { patient } from '../helpers/fixtures';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { freshDatabase } from '../helpers/test-app';

const JSON_HEADERS = { 'Content-Type': 'application/fhir+json' };
const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

const bornIn = (city: string, mrn: string): Patient => ({ ...patient(mrn), extension: [{ url: BIRTH_PLACE, valueAddress: { city } }] });

/** Asks until `done` holds for the answer (other processes learn of definitions at their next refresh). */
async function eventually<T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await ask();
    if (done(answer) || attempt >= 100) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

onPostgres('SearchParameter definitions across two server processes on one PostgreSQL', () => {
  let servers: ServerProcess[];
  let drop: () => Promise<void>;
  const post = (server: ServerProcess, path: string, body: unknown) =>
    fetch(`${server.baseUrl}/${path}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  const search = async (server: ServerProcess, query: string) => {
    const response = await fetch(`${server.baseUrl}/${query}`, { headers: { Prefer: 'handling=strict' } });
    return { status: response.status, body: (await response.json()) as Bundle | OperationOutcome };
  };

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = () => database?.drop() ?? Promise.resolve();
    const env = { DATABASE_URL: database?.url as string, SEARCH_PARAMETER_REFRESH_MS: '200' };
    servers = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    for (const server of servers ?? []) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await drop();
  });

  it('when one process stores a SearchParameter and reindexes, then the other refuses it until the reindex and indexes its own writes with it', async () => {
    const [a, b] = servers;
    expect((await post(a, 'Patient', bornIn('Montreal', 'OLD'))).status).toBe(201);
    const parameter = {
      resourceType: 'SearchParameter', url: 'https://example.org/fhir/SearchParameter/birth-place', name: 'BirthPlace', status: 'active',
      description: 'City of birth', code: 'birth-place', base: ['Patient'], type: 'string',
      expression: `Patient.extension('${BIRTH_PLACE}').value.ofType(Address).city`,
    };
    expect((await post(a, 'SearchParameter', parameter)).status).toBe(201);

    const refused = await eventually(() => search(b, 'Patient?birth-place=Montreal'), (r) => JSON.stringify(r.body).includes('cannot be searched yet'));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('cannot be searched yet');

    expect((await post(a, '$reindex', { resourceType: 'Parameters' })).status).toBe(200);
    // Written by the other process after the reindex: found only if that process indexed it at write.
    expect((await post(b, 'Patient', bornIn('Montreal', 'NEW'))).status).toBe(201);
    expect((await search(a, 'Patient?birth-place=Montreal')).body).toMatchObject({ total: 2 });
    const found = await eventually(() => search(b, 'Patient?birth-place=Montreal'), (r) => r.status === 200);
    expect((found.body as Bundle).total).toBe(2);
  });
});
