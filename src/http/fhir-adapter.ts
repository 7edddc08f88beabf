import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusOf } from '../fhir/outcomes';
import { preferredBody, wantsNoBody } from '../fhir/prefer';
import type { FhirMethod, FhirRequest, HandlerResult, PreferReturn } from '../fhir/types';
import type { RequestBody } from './middleware/body';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** An HTTP request -> FhirRequest; path is what follows /fhir/. */
export function toFhirRequest(req: IncomingMessage, path: string, query: [string, string][], { body, mediaType }: RequestBody): FhirRequest {
  const preferHeader = header(req, 'prefer');
  const prefer = parsePrefer(preferHeader);
  return {
    method: req.method as FhirMethod,
    path,
    query,
    body,
    contentType: mediaType,
    ifMatch: header(req, 'if-match'),
    ifNoneMatch: header(req, 'if-none-match'),
    ifNoneExist: header(req, 'if-none-exist'),
    ifModifiedSince: header(req, 'if-modified-since'),
    preferReturn: prefer.return as PreferReturn | undefined,
    preferHandling: prefer.handling === 'strict' ? 'strict' : prefer.handling === 'lenient' ? 'lenient' : undefined,
    ...(/(^|[,;])\s*respond-async\s*($|[,;])/i.test(preferHeader ?? '') ? { preferRespondAsync: true } : {}),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function parsePrefer(header: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of (header ?? '').split(/[,;]/)) {
    const [key, value] = part.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (key && value) result[key.toLowerCase()] = value;
  }
  return result;
}

/** [outcome, resource] -> status, ETag, Last-Modified, Location and the body Prefer asks for. */
export function sendResult(res: ServerResponse, request: FhirRequest, baseUrl: string, result: HandlerResult, pretty: boolean): void {
  const [outcome, resource] = result;
  for (const [name, value] of Object.entries(outcome.headers ?? {})) res.setHeader(name, value);
  const versionId = resource?.meta?.versionId;
  if (resource && versionId !== undefined) {
    res.setHeader('ETag', `W/"${versionId}"`);
    if (resource.meta?.lastUpdated) {
      res.setHeader('Last-Modified', new Date(resource.meta.lastUpdated).toUTCString());
    }
    if (outcome.category === 'created') {
      res.setHeader('Location', `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${versionId}`);
    }
  }
  if (outcome.category === 'not-modified') {
    res.writeHead(304).end();
    return;
  }
  const body = wantsNoBody(request) ? undefined : (preferredBody(request, result) ?? outcome.outcome);
  if (!body) {
    res.writeHead(statusOf(outcome.category)).end();
    return;
  }
  sendJson(res, statusOf(outcome.category), body, pretty);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, pretty = false): void {
  const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': FHIR_JSON, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
