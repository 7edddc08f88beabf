import { InvalidSearchError, WriteConflictError } from '../../store/repository';
import { loadR4Definitions } from '../conformance/r4-definitions';
import { errors, OperationOutcomeError } from '../outcomes';
import type { RequestedAccess } from '../access';
import type { FhirRequest, HandlerContext, HandlerResult, Route, RouteParams } from '../types';
import { ROUTES } from './routes';

/** Parameters that shape a response rather than select resources: they do not make a write conditional. */
const RESPONSE_SHAPING = new Set(['_format', '_pretty', '_summary', '_elements']);

/** Finds the route for a request and runs it; store errors become FHIR outcomes here, once. */
export async function dispatch(received: FhirRequest, ctx: HandlerContext): Promise<HandlerResult> {
  const { intake } = ctx.registries;
  try {
    // A Bundle's entries were prepared by its processing, with the whole Bundle in view.
    const request = received.inBundle ? received : await intake.prepare(received, ctx);
    // An intake answered it (and decided what the requester may learn): nothing is routed.
    const result = request.answer ?? (await route(request, ctx));
    intake.observe(received, ctx, result);
    return result;
  } catch (error) {
    if (error instanceof OperationOutcomeError) intake.observe(received, ctx, error);
    throw error;
  }
}

async function route(request: FhirRequest, ctx: HandlerContext): Promise<HandlerResult> {
  const segments = request.path.split('/').filter((s) => s.length > 0);
  const [route, params] = findRoute(request, segments, ctx);
  const access = requestedAccess(request, route, params);
  if (ctx.trail && ctx.trail.interaction === undefined) ctx.trail.interaction = access.operation ? `$${access.operation}` : access.interaction;
  ctx.access.authorize(access);
  try {
    return await route.handler(request, params, ctx);
  } catch (error) {
    if (error instanceof InvalidSearchError) {
      throw errors.invalid(error.message);
    }
    if (error instanceof WriteConflictError) {
      throw errors.conflict(error.message);
    }
    throw error;
  }
}

/** What the request does, for authorization: decided from the route alone, before the store is touched. */
function requestedAccess(request: FhirRequest, route: Route, params: RouteParams): RequestedAccess {
  const operation = route.operation?.name.replace(/^\$/, '');
  const bundleType = (request.body as { type?: unknown } | undefined)?.type;
  const interaction = operation ? 'operation' : route.interactions.length === 1 ? route.interactions[0] : bundleType === 'batch' ? 'batch' : 'transaction';
  const resourceTypes = params.type
    ? [params.type]
    : request.query.filter(([name]) => name === '_type').flatMap(([, value]) => value.split(',').map((t) => t.trim()).filter((t) => t.length > 0));
  // A conditional create, update, patch or delete searches too: the store wrapper's constrainSearch checks that.
  return { interaction, operation, resourceTypes };
}

function findRoute(request: FhirRequest, segments: string[], ctx: HandlerContext): [Route, RouteParams] {
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const type = segments[0];
  let shaped = [...ctx.registries.operations.routes, ...ROUTES].flatMap((route) => {
    const params = matchSegments(route.segments, segments);
    if (params && route.types && !route.types.includes(params.type as string)) return [];
    return params ? [{ route, params }] : [];
  });
  if (type !== undefined && /^[A-Z]/.test(type) && !ctx.registries.resourceTypes.has(type)) {
    // A type the server does not store: only routes that take every R4 type ($validate) serve it.
    shaped = isR4ResourceType(type) ? shaped.filter(({ route: r }) => r.anyResourceType === true) : [];
    if (shaped.length === 0) {
      throw errors.unknownType(type);
    }
  }
  if (shaped.length === 0) {
    throw errors.notFound(`The path /${request.path}`);
  }
  const hasQuery = request.query.some(([name]) => !RESPONSE_SHAPING.has(name));
  const found = shaped.find(({ route: r }) => r.method === method && (r.conditional === undefined || r.conditional === hasQuery));
  if (!found) {
    if (shaped.some(({ route: r }) => r.method === method)) {
      throw errors.invalid(`${method} /${request.path} needs search criteria in its query`);
    }
    throw errors.methodNotAllowed(`${request.method} is not allowed on /${request.path}`);
  }
  return [found.route, found.params];
}

let r4ResourceTypes: ReadonlySet<string> | undefined;

/** Every concrete R4 resource type, stored by the server or not (from the definitions loaded once per process). */
function isR4ResourceType(type: string): boolean {
  r4ResourceTypes ??= new Set(loadR4Definitions().resourceTypes);
  return r4ResourceTypes.has(type);
}

function matchSegments(pattern: string[], segments: string[]): RouteParams | undefined {
  if (pattern.length !== segments.length) {
    return undefined;
  }
  const params: RouteParams = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = segments[i];
    if (p === ':type') {
      if (!/^[A-Z][A-Za-z]+$/.test(s)) return undefined;
      params.type = s;
    } else if (p === ':id') {
      if (s.startsWith('_') || s.startsWith('$')) return undefined;
      params.id = s;
    } else if (p === ':vid') {
      params.versionId = s;
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}
