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
 * Whether `incoming` would change nothing in `stored` (sameContent), counting as unchanged a tag or a
 * security label the stored version has of a code system the incoming one does not mention at all.
 * Such codes are the server's (a business rule sets them from the content: a safety flag, the blinding
 * label) or another client's, and a client resending the resource it knows, without them, changes
 * nothing: FHIR servers carry tags forward through updates (HAPI's tag retention), and resubmitted data
 * must add no history. A system the incoming resource does mention is compared as usual, so a client
 * can still change its own tags and labels.
 */
export function unchangedBy(stored: Resource, incoming: Resource): boolean {
  if (sameContent(stored, incoming)) return true;
  const tag = unmentionedDropped(stored.meta?.tag, incoming.meta?.tag);
  const security = unmentionedDropped(stored.meta?.security, incoming.meta?.security);
  if (tag === undefined && security === undefined) return false;
  return sameContent(withCodes(stored, tag, security), incoming);
}

/** The stored codes of the systems `incoming` mentions, or undefined when that keeps them all. */
function unmentionedDropped(stored: Coding[] | undefined, incoming: Coding[] | undefined): Coding[] | undefined {
  const mentioned = new Set((incoming ?? []).map((c) => c.system));
  const kept = (stored ?? []).filter((c) => mentioned.has(c.system));
  return kept.length < (stored ?? []).length ? kept : undefined;
}

function withCodes(resource: Resource, tag: Coding[] | undefined, security: Coding[] | undefined): Resource {
  const meta: Record<string, unknown> = { ...resource.meta };
  for (const [key, codes] of [['tag', tag], ['security', security]] as const) {
    if (codes === undefined) continue;
    if (codes.length > 0) meta[key] = codes;
    else delete meta[key];
  }
  return { ...resource, meta } as Resource;
}

function withoutVersionMeta(resource: Resource): Resource {
  const { meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  return (Object.keys(metaRest).length > 0 ? { ...rest, meta: metaRest } : rest) as Resource;
}
