import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { patient } from '../helpers/fixtures';
import { eventually, useTwoServers, type ServerProcess } from '../helpers/server-process';

const JSON_HEADERS = { 'Content-Type': 'application/fhir+json' };
const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

const bornIn = (city: string, mrn: string): Patient => ({ ...patient(mrn), extension: [{ url: BIRTH_PLACE, valueAddress: { city } }] });

onPostgres('SearchParameter definitions across two server processes on one PostgreSQL', () => {
  const servers = useTwoServers({ SEARCH_PARAMETER_REFRESH_MS: '200' });
  const post = (server: ServerProcess, path: string, body: unknown) =>
    fetch(`${server.baseUrl}/${path}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  const search = async (server: ServerProcess, query: string) => {
    const response = await fetch(`${server.baseUrl}/${query}`, { headers: { Prefer: 'handling=strict' } });
    return { status: response.status, body: (await response.json()) as Bundle | OperationOutcome };
  };

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
