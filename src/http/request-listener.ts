import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AccessControl, AuditSink, Authenticator, Requester } from '../fhir/access';
import { accessControlledRepository } from '../fhir/access-controlled-repository';
import { errors, OperationOutcomeError } from '../fhir/outcomes';
import { dispatch } from '../fhir/router/router';
import type { HandlerContext } from '../fhir/types';
import type { Repository } from '../store/repository';
import { sendJson, sendResult, toFhirRequest } from './fhir-adapter';
import { logWhenFinished } from './middleware/access-log';
import { auditWhenFinished, failureOf, type AuditedRequest } from './middleware/audit-trail';
import { readBody } from './middleware/body';
import { handleCors } from './middleware/cors';
import { sendError } from './middleware/error-handler';
import { checkAcceptable } from './middleware/negotiation';
import { requestIdOf } from './middleware/request-id';
import { applySecurityHeaders } from './middleware/security-headers';
import { findPlainRoute, servePlainRoute, type PlainRoute } from './plain-routes';

export interface ListenerOptions {
  /** The context every request starts from; its repo and access are replaced per requester. */
  context: Omit<HandlerContext, 'access' | 'trail'>;
  repo: Repository;
  logger: Logger;
  bodyLimitBytes: number;
  isAccepting: () => boolean;
  security: ListenerSecurity;
}

export interface ListenerSecurity {
  authenticator: Authenticator;
  /** The rights of an authenticated requester. */
  accessFor(requester: Requester): AccessControl;
  /** The rights of a request without a token, on the public FHIR endpoint (GET metadata) only. */
  publicAccess: AccessControl;
  audit: AuditSink;
  /** Token, JWKS, SMART configuration and client administration endpoints. */
  routes: readonly PlainRoute[];
  /** Origins allowed by CORS; empty: CORS off. */
  corsOrigins: readonly string[];
}

/** Token requests and client registrations are small: a larger body is refused before it is read. */
const PLAIN_BODY_LIMIT = 256 * 1024;

/** Paths that carry no patient data and are never audited; plain routes without an activity (public discovery) neither. */
const UNAUDITED = new Set(['/healthz', '/readyz', '/fhir/metadata']);

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
  applySecurityHeaders(req, res);
  if (handleCors(req, res, options.security.corsOrigins)) return;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = [...url.searchParams.entries()];
  logWhenFinished(options.logger, req, res, requestId, url.pathname, query.map(([name]) => name));
  const pretty = url.searchParams.get('_pretty') === 'true';
  let audited: AuditedRequest | undefined;
  const audit = (interaction?: string) => auditWhenFinished(options.security.audit, req, res, url, requestId, interaction);
  try {
    const plain = findPlainRoute(options.security.routes, req.method ?? 'GET', url.pathname);
    const unaudited = plain ? plain[0].activity === undefined : UNAUDITED.has(url.pathname);
    audited = unaudited ? { trail: { entities: [] } } : audit(plain?.[0].activity);
    if (plain) {
      const [route, params] = plain;
      const requester =
        route.access === 'admin' ? await authenticateAdmin(req, options, audited)
        : route.access === 'authenticated' ? await authenticate(req, options, audited)
        : undefined;
      await servePlainRoute(req, res, url, route, params, requester, Math.min(options.bodyLimitBytes, PLAIN_BODY_LIMIT));
    } else if (url.pathname === '/fhir' || url.pathname.startsWith('/fhir/')) {
      await handleFhir(req, res, url.pathname.slice('/fhir'.length), query, options, pretty, audited);
    } else if (url.pathname === '/healthz' && isRead(req)) {
      sendJson(res, 200, { status: 'ok' });
    } else if (url.pathname === '/readyz' && isRead(req)) {
      await ready(res, options);
    } else {
      throw errors.notFound(`The path ${url.pathname}`);
    }
  } catch (error) {
    req.resume();
    // Refused before the audit decision (a method the path does not serve): audited like any refusal.
    audited ??= audit();
    audited.failure = failureOf(error);
    if (error instanceof OperationOutcomeError && error.category === 'login') {
      // RFC 6750 section 3: error="invalid_token" only when a token was sent.
      res.setHeader('WWW-Authenticate', req.headers.authorization ? 'Bearer realm="stroma", error="invalid_token"' : 'Bearer realm="stroma"');
    }
    sendError(res, error, options.logger, requestId, pretty);
  }
}

async function handleFhir(
  req: IncomingMessage, res: ServerResponse, rawPath: string, query: [string, string][], options: ListenerOptions, pretty: boolean, audited: AuditedRequest,
): Promise<void> {
  checkAcceptable(req, query.find(([name]) => name === '_format')?.[1]);
  const path = decodePath(rawPath).replace(/^\/+/, '').replace(/\/+$/, '');
  const deidentify = deidentifyParameter(query);
  const access =
    isRead(req) && path === 'metadata' ? options.security.publicAccess : options.security.accessFor(withDeidentify(await authenticate(req, options, audited), deidentify));
  const body = await readBody(req, options.bodyLimitBytes, req.method === 'POST' && /(^|\/)_search$/.test(path));
  const request = toFhirRequest(req, path, deidentify === undefined ? query : query.filter(([name]) => name !== DEIDENTIFY), body);
  const context: HandlerContext = {
    ...options.context,
    access,
    trail: audited.trail,
    repo: accessControlledRepository(options.context.repo, access, audited.trail.entities),
  };
  sendResult(res, request, options.context.baseUrl, await dispatch(request, context), pretty);
}

/** Stroma's request parameter asking for de-identified data (src/auth/policy/deidentification.ts). */
const DEIDENTIFY = '_deidentify';

/** The value of `_deidentify` (true or false), undefined when absent; 400 for anything else. */
function deidentifyParameter(query: [string, string][]): boolean | undefined {
  const values = query.filter(([name]) => name === DEIDENTIFY).map(([, value]) => value);
  if (values.length === 0) return undefined;
  if (values.length > 1 || (values[0] !== 'true' && values[0] !== 'false')) throw errors.invalid(`${DEIDENTIFY} takes true or false, once`);
  return values[0] === 'true';
}

/**
 * The requester asking for de-identified data. One object per authenticated requester, so the access
 * control kept per requester object is kept for this variant too. `false` changes nothing: a role that is
 * always de-identified (registry) stays so.
 */
const deidentifiedRequesters = new WeakMap<Requester, Requester>();

function withDeidentify(requester: Requester, deidentify: boolean | undefined): Requester {
  if (!deidentify) return requester;
  let variant = deidentifiedRequesters.get(requester);
  if (!variant) deidentifiedRequesters.set(requester, (variant = { ...requester, deidentify: true }));
  return variant;
}

/** The requester of the bearer token, noted for the audit trail; before the body is read, so a request without valid credentials costs nothing more. */
async function authenticate(req: IncomingMessage, options: ListenerOptions, audited: AuditedRequest): Promise<Requester> {
  const requester = await options.security.authenticator.authenticate(req.headers.authorization);
  audited.requester = requester;
  return requester;
}

async function authenticateAdmin(req: IncomingMessage, options: ListenerOptions, audited: AuditedRequest): Promise<Requester> {
  const requester = await authenticate(req, options, audited);
  if (requester.role !== 'admin') throw errors.forbidden(`The ${requester.role} role may not administer clients`);
  return requester;
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
