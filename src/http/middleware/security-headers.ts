import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * helmet's headers on every response of the node:http adapter. The server answers JSON only, so the
 * content security policy forbids everything (`default-src 'none'`, no framing); helmet's other
 * defaults stay (nosniff, no referrer, HSTS: ignored by browsers over plain http, kept for TLS
 * terminated in front of the server).
 */
const helmetHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});

export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  // helmet's middleware sets headers synchronously and calls next at once; it never fails.
  helmetHeaders(req, res, (error?: unknown) => {
    if (error) throw error;
  });
}
