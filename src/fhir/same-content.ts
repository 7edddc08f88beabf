import { deepEquals } from '@medplum/core';
import type { Coding, Resource } from '@medplum/fhirtypes';

/**
 * Whether two versions hold the same content, the server-set meta.versionId and meta.lastUpdated
 * aside: an update that changes nothing else writes no new version.
 */
export function sameContent(a: Resource, b: Resource): boolean {
  return deepEquals(withoutVersionMeta(a), withoutVersionMeta(b));
}

/**
 * Whether `incoming` would change nothing in `stored` (sameContent), counting as unchanged a tag the
 * stored version has of a code system the incoming one does not mention at all. Such tags are the
 * server's (a business rule sets them from the content) or another client's, and a client resending
 * the resource it knows, without them, changes nothing: FHIR servers carry tags forward through
 * updates (HAPI's tag retention), and resubmitted data must add no history. A tag system the incoming
 * resource does mention is compared as usual, so a client can still change its own tags.
 */
export function unchangedBy(stored: Resource, incoming: Resource): boolean {
  if (sameContent(stored, incoming)) return true;
  const mentioned = new Set((incoming.meta?.tag ?? []).map((t) => t.system));
  const tags = stored.meta?.tag ?? [];
  const kept = tags.filter((t) => mentioned.has(t.system));
  return kept.length < tags.length && sameContent(withTags(stored, kept), incoming);
}

function withTags(resource: Resource, tag: Coding[]): Resource {
  const { tag: _all, ...meta } = resource.meta ?? {};
  return { ...resource, meta: tag.length > 0 ? { ...meta, tag } : meta } as Resource;
}

function withoutVersionMeta(resource: Resource): Resource {
  const { meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  return (Object.keys(metaRest).length > 0 ? { ...rest, meta: metaRest } : rest) as Resource;
}
