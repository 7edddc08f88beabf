import { patient } from '../helpers/fixtures';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { freshDatabase } from '../helpers/test-app';

const JSON_HEADERS = { 'Content-Type': 'application/fhir+json' };
const URL = 'https://example.org/fhir/StructureDefinition/patient-with-birth-date';
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** Asks until `done` holds for the answer (other processes learn of uploads at their next refresh). */
async function eventually(ask: () => Promise<number>, done: (status: number) => boolean): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const status = await ask();
    if (done(status) || attempt >= 100) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

onPostgres('uploaded profiles across two server processes on one PostgreSQL', () => {
  let servers: ServerProcess[];
  let drop: () => Promise<void>;
  const send = async (server: ServerProcess, method: string, path: string, body?: unknown) =>
    (await fetch(`${server.baseUrl}/${path}`, { method, headers: JSON_HEADERS, body: body === undefined ? undefined : JSON.stringify(body) })).status;
  const claimant = { ...patient(), meta: { profile: [URL] } };

  beforeAll(async () => {
    const database = await freshDatabase();
    drop = () => database?.drop() ?? Promise.resolve();
    const env = { DATABASE_URL: database?.url as string, PROFILE_REFRESH_MS: '200' };
    servers = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    for (const server of servers ?? []) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await drop();
  });

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
