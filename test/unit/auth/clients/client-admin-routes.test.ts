import { clientAdminRoutes } from '../../../../src/auth/clients/client-admin-routes';
import { ClientRegistry } from '../../../../src/auth/clients/client-registry';
import type { Requester } from '../../../../src/fhir/access';
import type { PlainResponse, PlainRoute } from '../../../../src/auth/plain-http';
import type { AuthStore } from '../../../../src/store/auth-store';
import { keyPair } from './keys';
import { MemoryAuthStore } from './memory-auth-store';

/** Finds the route as the adapter would (method, exact path or pattern) and calls it. */
async function call(routes: PlainRoute[], method: string, path: string, body?: unknown, contentType = 'application/json', requester?: Requester): Promise<PlainResponse> {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = typeof route.path === 'string' ? (route.path === path ? [path] : null) : route.path.exec(path);
    if (!match) continue;
    const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return route.handle({ method, path, query: new URLSearchParams(), headers: { 'content-type': contentType }, body: raw, requester }, match.slice(1));
  }
  throw new Error(`no route for ${method} ${path}`);
}

describe('clientAdminRoutes', () => {
  let routes: PlainRoute[];
  beforeEach(() => {
    routes = clientAdminRoutes(new ClientRegistry(new MemoryAuthStore()));
  });

  it('when routes are made, then every one requires the admin role', () => {
    expect(routes.map((r) => `${r.method} ${String(r.path)} ${r.access}`)).toEqual([
      'GET /auth/clients admin',
      'POST /auth/clients admin',
      'GET /^\\/auth\\/clients\\/([^/]+)$/ admin',
      'PUT /^\\/auth\\/clients\\/([^/]+)$/ admin',
      'DELETE /^\\/auth\\/clients\\/([^/]+)$/ admin',
    ]);
  });

  it('when a client is posted, then 201 answers it with its keys as a JWKS and a Location, and it can be read and listed', async () => {
    const { publicJwk } = await keyPair('ES384');
    const created = await call(routes, 'POST', '/auth/clients', { id: 'lab-sender', name: 'St Elsewhere lab', role: 'ehr', jwks: { keys: [publicJwk] } });
    expect(created.status).toBe(201);
    expect(created.headers?.Location).toBe('/auth/clients/lab-sender');
    expect(created.body).toMatchObject({ id: 'lab-sender', role: 'ehr', jwks: { keys: [publicJwk] }, scope: 'system/Observation.cruds', disabled: false });
    expect(await call(routes, 'GET', '/auth/clients/lab-sender')).toMatchObject({ status: 200, body: created.body });
    expect(await call(routes, 'GET', '/auth/clients')).toMatchObject({ status: 200, body: [created.body] });
  });

  it('when a client read is put back with disabled true, then it is disabled and the rest is unchanged', async () => {
    await call(routes, 'POST', '/auth/clients', { id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://lab.example/jwks' });
    const shown = (await call(routes, 'GET', '/auth/clients/lab')).body as Record<string, unknown>;
    const put = await call(routes, 'PUT', '/auth/clients/lab', { ...shown, disabled: true });
    expect(put).toMatchObject({ status: 200, body: { ...shown, disabled: true } });
  });

  it('when a client is deleted, then 204, and then it is not found', async () => {
    await call(routes, 'POST', '/auth/clients', { id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://lab.example/jwks' });
    expect((await call(routes, 'DELETE', '/auth/clients/lab')).status).toBe(204);
    expect(await call(routes, 'GET', '/auth/clients/lab')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await call(routes, 'DELETE', '/auth/clients/lab')).status).toBe(404);
    expect((await call(routes, 'PUT', '/auth/clients/lab', { name: 'x' })).status).toBe(404);
  });

  it('when the registration is bad, then 400 names the field', async () => {
    const response = await call(routes, 'POST', '/auth/clients', { id: 'lab', name: 'Lab', role: 'nurse', jwksUrl: 'https://lab.example/jwks' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^role: expected one of ehr, registry/) });
  });

  it('when the body is not JSON or not declared JSON, then 400', async () => {
    expect(await call(routes, 'POST', '/auth/clients', '{"id":')).toMatchObject({ status: 400, body: { error_description: 'body: is not valid JSON' } });
    expect(await call(routes, 'POST', '/auth/clients', { id: 'lab' }, 'text/plain')).toMatchObject({ status: 400, body: { error_description: expect.stringMatching(/^Content-Type/) } });
  });

  it('when the id is taken, then 409', async () => {
    const client = { id: 'lab', name: 'Lab', role: 'ehr', jwksUrl: 'https://lab.example/jwks' };
    await call(routes, 'POST', '/auth/clients', client);
    expect(await call(routes, 'POST', '/auth/clients', client)).toMatchObject({ status: 409, body: { error: 'client_exists' } });
  });

  it('when an admin would disable, demote or remove its own client, then 409 and the client is unchanged; other changes pass', async () => {
    const admin: Requester = { clientId: 'boss', role: 'admin', scope: 'system/*.cruds' };
    const created = await call(routes, 'POST', '/auth/clients', { id: 'boss', name: 'Boss', role: 'admin', jwksUrl: 'https://boss.example/jwks' });
    for (const [method, body] of [['PUT', { disabled: true }], ['PUT', { role: 'registry' }], ['DELETE', undefined]] as const) {
      expect(await call(routes, method, '/auth/clients/boss', body, 'application/json', admin)).toMatchObject({ status: 409, body: { error: 'invalid_request' } });
    }
    expect((await call(routes, 'GET', '/auth/clients/boss')).body).toEqual(created.body);
    expect(await call(routes, 'PUT', '/auth/clients/boss', { name: 'Boss 2', role: 'admin' }, 'application/json', admin)).toMatchObject({ status: 200, body: { name: 'Boss 2' } });
    expect((await call(routes, 'PUT', '/auth/clients/boss', { disabled: true }, 'application/json', { ...admin, clientId: 'other-admin' })).status).toBe(200);
  });

  it('when the store fails, then the error is left to the adapter (a 500 without details)', async () => {
    const failing = new MemoryAuthStore();
    failing.listClients = () => Promise.reject(new Error('connection lost'));
    const broken = clientAdminRoutes(new ClientRegistry(failing as AuthStore));
    await expect(call(broken, 'GET', '/auth/clients')).rejects.toThrow('connection lost');
  });
});
