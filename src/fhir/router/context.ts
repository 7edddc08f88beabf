import type { Resource } from '@medplum/fhirtypes';
import type { ResourceReader, ResourceWriter, StoredVersion } from '../../store/repository';
import { errors } from '../outcomes';
import type { FhirRequest, HandlerContext } from '../types';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Runs fn in the surrounding transaction Bundle's transaction, or in a new one. */
export function inTransaction<T>(ctx: HandlerContext, fn: (tx: ResourceWriter) => Promise<T>): Promise<T> {
  return ctx.tx ? fn(ctx.tx) : ctx.repo.transaction(fn);
}

/** Reads see the surrounding transaction's own writes. */
export function readerOf(ctx: HandlerContext): ResourceReader {
  return ctx.tx ?? ctx.repo;
}

export function assertValidId(id: string, expression = 'id'): void {
  if (!ID.test(id)) {
    throw errors.invalid(`"${id}" is not a valid resource id (1-64 of A-Z a-z 0-9 - .)`, expression);
  }
}

/** The request body as a resource of the expected type, or a 400 saying what is wrong with it. */
export function resourceBody(request: FhirRequest, type: string): Resource {
  const body = request.body;
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) {
    throw errors.invalid('The request has no resource in its body');
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw errors.structure('The body is not a FHIR resource (a JSON object)');
  }
  const resource = body as Resource & { meta?: unknown; id?: unknown };
  if (typeof resource.resourceType !== 'string') {
    throw errors.structure('The resource has no resourceType', 'resourceType');
  }
  if (resource.resourceType !== type) {
    throw errors.invalid(`The resource is a ${resource.resourceType}, but the URL names ${type}`, 'resourceType');
  }
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !ID.test(resource.id))) {
    throw errors.invalid('The resource id is not a valid id', `${type}.id`);
  }
  if (resource.meta !== undefined && (typeof resource.meta !== 'object' || resource.meta === null || Array.isArray(resource.meta))) {
    throw errors.structure('meta must be an object', `${type}.meta`);
  }
  return resource;
}

/** The version number in an ETag or If-Match value: W/"3", "3" or 3. */
export function versionFromETag(etag: string): number | undefined {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(etag.trim());
  return match ? Number(match[1]) : undefined;
}

/** Throws 412 unless the current version is the one If-Match names. */
export function checkIfMatch(ifMatch: string | undefined, current: StoredVersion | undefined, what: string): void {
  if (ifMatch === undefined) {
    return;
  }
  const expected = versionFromETag(ifMatch);
  if (expected === undefined) {
    throw errors.invalid(`If-Match "${ifMatch}" is not a version ETag such as W/"1"`);
  }
  if (!current || current.deleted) {
    throw errors.precondition(`If-Match W/"${expected}" given, but ${what} does not exist`);
  }
  if (current.versionId !== expected) {
    throw errors.precondition(`${what} is at version ${current.versionId}, not ${expected} (If-Match)`);
  }
}

/** The resource as the client sent it, with the server's id and without client-set version metadata. */
export function prepareForWrite(resource: Resource, id: string): Resource {
  const meta = { ...(resource.meta ?? {}) };
  delete meta.versionId;
  delete meta.lastUpdated;
  const prepared = { ...resource, id } as Resource;
  if (Object.keys(meta).length > 0) {
    prepared.meta = meta;
  } else {
    delete prepared.meta;
  }
  return prepared;
}
