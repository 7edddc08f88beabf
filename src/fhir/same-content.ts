import { deepEquals } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

/**
 * Whether two versions hold the same content, the server-set meta.versionId and meta.lastUpdated
 * aside: an update that changes nothing else writes no new version.
 */
export function sameContent(a: Resource, b: Resource): boolean {
  return deepEquals(withoutVersionMeta(a), withoutVersionMeta(b));
}

function withoutVersionMeta(resource: Resource): Resource {
  const { meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  return (Object.keys(metaRest).length > 0 ? { ...rest, meta: metaRest } : rest) as Resource;
}
