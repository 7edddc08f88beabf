import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for browser clients, off unless CORS_ORIGINS lists origins (`*`: any). Tokens travel in the
 * Authorization header, never in cookies, so credentials are not allowed and `*` is safe to answer.
 */

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match, If-None-Exist, If-Modified-Since, X-Request-Id';
const EXPOSED_HEADERS = 'Location, ETag, Last-Modified, Content-Location, X-Request-Id';
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

/**
 * Adds the CORS headers a request from an allowed origin needs; answers a preflight itself (204).
 * Returns true when it answered, so the listener stops there. With no origins configured it adds
 * nothing and a preflight goes on like any OPTIONS request.
 */
export function handleCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  if (origins.length === 0) return false;
  const anyOrigin = origins.includes('*');
  // The answer depends on the Origin header whenever it echoes one: caches must keep them apart.
  if (!anyOrigin) appendVary(res, 'Origin');
  const origin = req.headers.origin;
  if (!origin || (!anyOrigin && !origins.some((allowed) => sameOrigin(allowed, origin)))) return false;
  res.setHeader('Access-Control-Allow-Origin', anyOrigin ? '*' : origin);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
    res.statusCode = 204;
    res.setHeader('Content-Length', '0');
    res.end();
    req.resume();
    return true;
  }
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  return false;
}

/** Origins compared as browsers send them (scheme://host[:port], lower case, no path): `https://App.example.org/` matches. */
function sameOrigin(configured: string, origin: string): boolean {
  return normalize(configured) === normalize(origin);
}

function normalize(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.trim().toLowerCase();
  }
}

function appendVary(res: ServerResponse, header: string): void {
  const current = res.getHeader('Vary');
  const values = (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  if (!values.some((v) => v.toLowerCase() === header.toLowerCase() || v === '*')) res.setHeader('Vary', [...values, header].join(', '));
}
