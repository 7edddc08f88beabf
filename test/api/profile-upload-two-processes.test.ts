import { patient } from '../helpers/fixtures';
import { eventually, useTwoServers, type ServerProcess } from '../helpers/server-process';

const JSON_HEADERS = { 'Content-Type': 'application/fhir+json' };
const URL = 'https://example.org/fhir/StructureDefinition/patient-with-birth-date';
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('uploaded profiles across two server processes on one PostgreSQL', () => {
  const servers = useTwoServers({ PROFILE_REFRESH_MS: '200' });
  const send = async (server: ServerProcess, method: string, path: string, body?: unknown) =>
    (await fetch(`${server.baseUrl}/${path}`, { method, headers: JSON_HEADERS, body: body === undefined ? undefined : JSON.stringify(body) })).status;
  const claimant = { ...patient(), meta: { profile: [URL] } };

  it('when one process stores a profile and then deletes it, then the other validates against it, then no longer does', async () => {
    const [a, b] = servers;
    const differential = { element: [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }] };
    const sd = { resourceType: 'StructureDefinition', id: 'with-birth-date', url: URL, name: 'WithBirthDate', status: 'active', kind: 'resource',
      abstract: false, type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint', differential };
    expect(await send(a, 'PUT', 'StructureDefinition/with-birth-date', sd)).toBe(201);
    const withoutBirthDate = { ...claimant, birthDate: undefined };
    // An unknown profile is a warning, not a refusal: b refuses the claimant once it knows the profile.
    expect(await eventually(() => send(b, 'POST', 'Patient', withoutBirthDate), (status) => status === 422)).toBe(422);
    expect(await send(b, 'POST', 'Patient', claimant)).toBe(201);
    expect(await send(a, 'DELETE', 'StructureDefinition/with-birth-date')).toBe(200);
    expect(await eventually(() => send(b, 'POST', 'Patient', withoutBirthDate), (status) => status === 201)).toBe(201);
  });
});
