import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errors } from '../fhir/outcomes';
import { dispatch } from '../fhir/router/router';
import type { HandlerContext } from '../fhir/types';
import type { Repository } from '../store/repository';
import { sendJson, sendResult, toFhirRequest } from './fhir-adapter';
import { logWhenFinished } from './middleware/access-log';
import { readBody } from './middleware/body';
import { sendError } from './middleware/error-handler';
import { checkAcceptable } from './middleware/negotiation';
import { requestIdOf } from './middleware/request-id';

export interface ListenerOptions {
  context: HandlerContext;
  repo: Repository;
  logger: Logger;
  bodyLimitBytes: number;
  isAccepting: () => boolean;
}

/**
 * The HTTP adapter on node:http. Express 5 was the first choice; it was replaced because on the
 * 2-core target machine it caps even a bare health check at about 3,400 requests/s against
 * 18,500 for node:http (bench/RESULTS.md), below the 5,000 reads/s the server must reach.
 */
export function createRequestListener(options: ListenerOptions): RequestListener {
  return (req, res) => {
    void handle(req, res, options);
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ListenerOptions): Promise<void> {
  const requestId = requestIdOf(req);
  res.setHeader('X-Request-Id', requestId);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = [...url.searchParams.entries()];
  logWhenFinished(options.logger, req, res, requestId, url.pathname, query.map(([name]) => name));
  const pretty = url.searchParams.get('_pretty') === 'true';
  try {
    if (url.pathname === '/fhir' || url.pathname.startsWith('/fhir/')) {
      await handleFhir(req, res, url.pathname.slice('/fhir'.length), query, options, pretty);
    } else if (url.pathname === '/healthz' && isRead(req)) {
      sendJson(res, 200, { status: 'ok' });
    } else if (url.pathname === '/readyz' && isRead(req)) {
      await ready(res, options);
    } else {
      throw errors.notFound(`The path ${url.pathname}`);
    }
  } catch (error) {
    req.resume();
    sendError(res, error, options.logger, requestId, pretty);
  }
}

async function handleFhir(req: IncomingMessage, res: ServerResponse, rawPath: string, query: [string, string][], options: ListenerOptions, pretty: boolean): Promise<void> {
  checkAcceptable(req, query.find(([name]) => name === '_format')?.[1]);
  const path = decodePath(rawPath).replace(/^\/+/, '').replace(/\/+$/, '');
  const body = await readBody(req, options.bodyLimitBytes, req.method === 'POST' && /(^|\/)_search$/.test(path));
  const request = toFhirRequest(req, path, query, body);
  sendResult(res, request, options.context.baseUrl, await dispatch(request, options.context), pretty);
}

async function ready(res: ServerResponse, options: ListenerOptions): Promise<void> {
  const storeUp = await options.repo.ping().then(() => true, () => false);
  const accepting = options.isAccepting();
  sendJson(res, accepting && storeUp ? 200 : 503, { status: accepting && storeUp ? 'ready' : 'not ready', store: storeUp });
}

function isRead(req: IncomingMessage): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw errors.invalid('The URL path is not validly percent-encoded');
  }
}
