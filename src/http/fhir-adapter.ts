import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import { statusOf } from '../fhir/outcomes';
import type { FhirMethod, FhirRequest, HandlerResult, PreferReturn } from '../fhir/types';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Express request -> FhirRequest; path is what follows /fhir/. */
export function toFhirRequest(req: Request, path: string): FhirRequest {
  const rawQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  const prefer = parsePrefer(req.get('prefer'));
  return {
    method: req.method as FhirMethod,
    path,
    query: [...new URLSearchParams(rawQuery).entries()],
    body: req.body,
    contentType: req.is('application/json-patch+json') ? 'application/json-patch+json' : (req.get('content-type')?.split(';')[0].trim() ?? undefined),
    ifMatch: req.get('if-match'),
    ifNoneMatch: req.get('if-none-match'),
    ifNoneExist: req.get('if-none-exist'),
    ifModifiedSince: req.get('if-modified-since'),
    preferReturn: prefer.return as PreferReturn | undefined,
    preferHandling: prefer.handling === 'strict' ? 'strict' : prefer.handling === 'lenient' ? 'lenient' : undefined,
  };
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
export function sendResult(req: Request, res: Response, request: FhirRequest, baseUrl: string, [outcome, resource]: HandlerResult): void {
  const status = statusOf(outcome.category);
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
    res.status(304).end();
    return;
  }
  const body = bodyFor(request, outcome.outcome, resource);
  if (!body) {
    res.status(status).end();
    return;
  }
  sendJson(req, res, status, body);
}

/** Prefer: return applies to writes; reads, searches and Bundle responses always carry their resource. */
function bodyFor(request: FhirRequest, outcome: OperationOutcome, resource: Resource | undefined): Resource | undefined {
  const isWrite = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) && resource?.resourceType !== 'Bundle';
  if (isWrite && request.preferReturn === 'minimal') return undefined;
  if (isWrite && request.preferReturn === 'OperationOutcome') return outcome;
  return resource ?? outcome;
}

export function sendOutcome(req: Request, res: Response, status: number, outcome: OperationOutcome): void {
  sendJson(req, res, status, outcome);
}

function sendJson(req: Request, res: Response, status: number, body: Resource): void {
  const pretty = req.query._pretty === 'true';
  res.status(status);
  res.setHeader('Content-Type', FHIR_JSON);
  res.send(pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
}
