import type { BundleEntry } from '@medplum/fhirtypes';
import { errors } from '../outcomes';
import { parseQueryString } from '../router/query';
import type { FhirMethod, FhirRequest } from '../types';

const METHODS = new Set<FhirMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** A Bundle entry's request as the FhirRequest the router runs. */
export function entryRequest(entry: BundleEntry, index: number, outer: FhirRequest, baseUrl: string): FhirRequest {
  const where = `Bundle.entry[${index}].request`;
  const method = entry.request?.method as FhirMethod | undefined;
  const url = entry.request?.url;
  if (!method || !METHODS.has(method) || typeof url !== 'string' || url.length === 0) {
    throw errors.invalid(`${where} needs a method (GET, HEAD, POST, PUT, PATCH or DELETE) and a url`, where);
  }
  const relative = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length + 1) : url.replace(/^\/+/, '');
  if (/^[a-z]+:/.test(relative)) {
    throw errors.invalid(`${where}.url "${url}" is not on this server`, `${where}.url`);
  }
  const [path, query = ''] = relative.split('?', 2);
  const request: FhirRequest = {
    method,
    path,
    query: parseQueryString(query),
    ifMatch: entry.request?.ifMatch,
    ifNoneMatch: entry.request?.ifNoneMatch,
    ifNoneExist: entry.request?.ifNoneExist,
    ifModifiedSince: entry.request?.ifModifiedSince,
    preferReturn: outer.preferReturn,
    preferHandling: outer.preferHandling,
    inBundle: true,
  };
  if (method === 'PATCH') {
    return { ...request, ...patchBody(entry, index) };
  }
  if (method === 'POST' || method === 'PUT') {
    if (!entry.resource) {
      throw errors.invalid(`Bundle.entry[${index}] has no resource to ${method}`, `Bundle.entry[${index}].resource`);
    }
    return { ...request, body: entry.resource, contentType: 'application/fhir+json' };
  }
  return request;
}

/** R4 carries a JSON Patch in a transaction as a Binary whose data is the base64 patch document. */
function patchBody(entry: BundleEntry, index: number): Pick<FhirRequest, 'body' | 'contentType'> {
  const binary = entry.resource as { resourceType?: string; contentType?: string; data?: string } | undefined;
  if (binary?.resourceType !== 'Binary' || binary.contentType !== 'application/json-patch+json' || !binary.data) {
    throw errors.invalid(
      `Bundle.entry[${index}]: a PATCH entry's resource is a Binary with contentType application/json-patch+json`,
      `Bundle.entry[${index}].resource`,
    );
  }
  try {
    return { body: JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8')), contentType: binary.contentType };
  } catch {
    throw errors.invalid(`Bundle.entry[${index}]: the Binary's data is not a base64 JSON Patch document`);
  }
}
