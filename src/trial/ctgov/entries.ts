import { createHash } from 'node:crypto';
import type { BundleEntry, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { DERIVED_ID_SYSTEM } from './codes';

/**
 * A resource of the import with the identifier its conditional PUT is keyed on. The fullUrl is a urn:uuid
 * derived from that identifier, so the same record always gives the same Bundle (and references match).
 */
export interface KeyedResource {
  readonly resource: Resource;
  readonly key: Identifier & { system: string; value: string };
}

export function fullUrlOf(key: KeyedResource['key']): string {
  const hex = createHash('sha256').update(`${key.system}|${key.value}`).digest('hex');
  // Shaped as a version-5-style UUID (name-based), which is what it is.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A reference to another entry of the Bundle, typed for the element that holds it. */
export function referenceTo<T extends Resource = Resource>(keyed: KeyedResource, display?: string): Reference<T> {
  const reference = fullUrlOf(keyed.key);
  return (display ? { reference, display } : { reference }) as Reference<T>;
}

/** A key minted from the NCT number and the resource's role in the study ("NCT04356287/site/0"). */
export function derivedKey(nctId: string, ...parts: (string | number)[]): KeyedResource['key'] {
  return { system: DERIVED_ID_SYSTEM, value: [nctId, ...parts].join('/') };
}

/** R4 search, "Escaping search parameters": a literal , | $ or \\ in a value is preceded by a backslash. */
function escapeSearchValue(value: string): string {
  return value.replace(/[\\,|$]/g, (c) => `\\${c}`);
}

/** A conditional update: created if no resource has the key, updated in place if one does. */
export function conditionalPut(keyed: KeyedResource): BundleEntry {
  const { resourceType } = keyed.resource;
  // The system is a plain URL. The value may hold ',' '|' '$' or '\\' ("Marie Hudson, MD"), which FHIR
  // search escapes with a backslash, then spaces or '&', which the URL encodes.
  const query = `identifier=${keyed.key.system}|${encodeURIComponent(escapeSearchValue(keyed.key.value))}`;
  return {
    fullUrl: fullUrlOf(keyed.key),
    resource: keyed.resource,
    request: { method: 'PUT', url: `${resourceType}?${query}` },
  };
}
