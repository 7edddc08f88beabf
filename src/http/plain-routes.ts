import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Requester } from '../fhir/access';
import { errors } from '../fhir/outcomes';
import { hasBody, readText } from './middleware/body';

/** A non-FHIR endpoint (token, JWKS, SMART configuration, client administration): see src/auth/plain-http.ts. */
export interface PlainRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string | RegExp;
  access: 'public' | 'admin' | 'authenticated';
  activity?: string;
  handle(request: PlainRequestShape, params: string[]): Promise<{ status: number; headers?: Record<string, string>; body?: unknown }>;
}

export interface PlainRequestShape {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string;
  address?: string;
  requester?: Requester;
}

/** The route serving `path`, with its parameters; 405 when the path is served for other methods only. */
export function findPlainRoute(routes: readonly PlainRoute[], method: string, path: string): [PlainRoute, string[]] | undefined {
  const matching = routes.flatMap((route) => {
    if (typeof route.path === 'string') return route.path === path ? [{ route, params: [] as string[] }] : [];
    const match = route.path.exec(path);
    return match ? [{ route, params: match.slice(1) }] : [];
  });
  if (matching.length === 0) return undefined;
  const wanted = method === 'HEAD' ? 'GET' : method;
  const found = matching.find(({ route }) => route.method === wanted);
  if (!found) throw errors.methodNotAllowed(`${method} is not allowed on ${path}`);
  return [found.route, found.params];
}

/** Runs a plain route and sends its answer as JSON. */
export async function servePlainRoute(
  req: IncomingMessage, res: ServerResponse, url: URL, route: PlainRoute, params: string[], requester: Requester | undefined, limit: number,
): Promise<void> {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
  const body = hasBody(req) ? await readText(req, limit) : '';
  const answer = await route.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, address: req.socket.remoteAddress, requester }, params);
  if (answer.body instanceof Readable) {
    res.writeHead(answer.status, answer.headers);
    if (req.method === 'HEAD') answer.body.destroy();
    else await pipeline(answer.body, res);
    return;
  }
  const declared = Object.keys(answer.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
  const asIs = declared && typeof answer.body === 'string';
  const text = answer.body === undefined ? '' : asIs ? (answer.body as string) : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(text ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) } : {}),
    ...answer.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
