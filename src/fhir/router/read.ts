import type { StoredVersion } from '../../store/repository';
import { errors, success } from '../outcomes';
import { shapeResource } from '../summary';
import type { FhirRequest, Handler, HandlerResult } from '../types';
import { assertValidId, readerOf, versionFromETag } from './context';
import { queryValue } from './query';

/** GET [type]/[id]: the current version, 410 once deleted, 304 when the client's copy is current. */
export const read: Handler = async (request, { type, id }, ctx) => {
  assertValidId(id as string);
  const current = await readerOf(ctx).read(type as string, id as string);
  return respondWithVersion(request, current, `${type}/${id}`);
};

export function respondWithVersion(
  request: FhirRequest,
  version: StoredVersion | undefined,
  what: string,
): HandlerResult {
  if (!version) {
    throw errors.notFound(what);
  }
  if (version.deleted || !version.resource) {
    throw errors.gone(what);
  }
  if (notModified(request, version)) {
    return [success('not-modified', 'Not modified')];
  }
  const shaped = shapeResource(version.resource, {
    summary: queryValue(request, '_summary'),
    elements: queryValue(request, '_elements')?.split(','),
  });
  return [success('ok', 'Read'), shaped];
}

/** If-None-Match (a version ETag or *) and If-Modified-Since, as HTTP conditional GET defines them. */
function notModified(request: FhirRequest, version: StoredVersion): boolean {
  if (request.ifNoneMatch !== undefined) {
    const tags = request.ifNoneMatch.split(',').map((t) => t.trim());
    return tags.includes('*') || tags.some((t) => versionFromETag(t) === version.versionId);
  }
  if (request.ifModifiedSince !== undefined) {
    const since = Date.parse(request.ifModifiedSince);
    // HTTP dates have whole seconds: compare at that precision.
    return !Number.isNaN(since) && Math.floor(Date.parse(version.lastUpdated) / 1000) * 1000 <= since;
  }
  return false;
}
