import { DuplicateClientError } from '../../store/auth-store';
import type { PlainRequest, PlainResponse, PlainRoute } from '../plain-http';
import { clientView } from './client-view';
import type { ClientRegistry } from './client-registry';
import { ClientRegistrationError, UnknownClientError } from './registration-error';

/**
 * The client administration API (admin role only): list, register, show, change (disable with
 * `{"disabled": true}`) and remove clients. Errors are OAuth-style `{ error, error_description }`.
 */
export function clientAdminRoutes(registry: ClientRegistry): PlainRoute[] {
  const one = /^\/auth\/clients\/([^/]+)$/;
  return [
    route('GET', '/auth/clients', async () => json(200, (await registry.list()).map(clientView))),
    route('POST', '/auth/clients', async (request) => {
      const client = await registry.add(parseJson(request));
      return json(201, clientView(client), { Location: clientPath(client.id) });
    }),
    route('GET', one, async (_request, [id]) => {
      const client = await registry.get(id);
      if (!client) throw new UnknownClientError(id);
      return json(200, clientView(client));
    }),
    route('PUT', one, async (request, [id]) => {
      const changes = parseJson(request);
      if (locksOutItself(request, id, changes)) throw new SelfLockoutError();
      return json(200, clientView(await registry.update(id, changes)));
    }),
    route('DELETE', one, async (request, [id]) => {
      if (locksOutItself(request, id, undefined)) throw new SelfLockoutError();
      await registry.remove(id);
      return { status: 204 };
    }),
  ];
}

/** Refused so that an admin cannot lock out the only client able to undo it. */
class SelfLockoutError extends Error {
  constructor() {
    super('a client cannot disable, remove or demote itself; use another admin client (or npm run client with the server stopped)');
  }
}

/** Whether the request would disable, remove (`changes` undefined) or demote the client making it. */
function locksOutItself(request: PlainRequest, id: string, changes: unknown): boolean {
  if (request.requester?.clientId !== id) return false;
  if (changes === undefined) return true;
  if (typeof changes !== 'object' || changes === null) return false;
  const { disabled, role } = changes as { disabled?: unknown; role?: unknown };
  return disabled === true || (role !== undefined && role !== 'admin');
}

type Handler = (request: PlainRequest, params: string[]) => Promise<PlainResponse>;

function route(method: PlainRoute['method'], path: string | RegExp, handler: Handler): PlainRoute {
  return {
    method,
    path,
    access: 'admin',
    activity: 'client-admin',
    handle: async (request, params) => {
      try {
        return await handler(request, params.map(decodeParam));
      } catch (error) {
        return errorResponse(error);
      }
    },
  };
}

function parseJson(request: PlainRequest): unknown {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type)) {
    throw new ClientRegistrationError('Content-Type', 'expected application/json');
  }
  try {
    return JSON.parse(request.body);
  } catch {
    throw new ClientRegistrationError('body', 'is not valid JSON');
  }
}

function errorResponse(error: unknown): PlainResponse {
  if (error instanceof ClientRegistrationError) return json(400, { error: 'invalid_client_metadata', error_description: error.message });
  if (error instanceof UnknownClientError) return json(404, { error: 'not_found', error_description: error.message });
  if (error instanceof DuplicateClientError) return json(409, { error: 'client_exists', error_description: error.message });
  if (error instanceof SelfLockoutError) return json(409, { error: 'invalid_request', error_description: error.message });
  // Anything else (the store failing) is the adapter's to log and answer 500 without details.
  throw error;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): PlainResponse {
  return { status, headers: { 'Cache-Control': 'no-store', ...headers }, body };
}

function clientPath(id: string): string {
  return `/auth/clients/${encodeURIComponent(id)}`;
}

function decodeParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}
