import type { Address, Location } from '@medplum/fhirtypes';
import { derivedKey, type KeyedResource } from './entries';
import { type Node, objectList, optString } from './record-reader';

function address(node: Node): Address | undefined {
  const city = optString(node, 'city');
  const state = optString(node, 'state');
  const postalCode = optString(node, 'zip');
  const country = optString(node, 'country');
  const parts = { city, state, postalCode, country };
  const present = Object.entries(parts).filter(([, v]) => v !== undefined);
  return present.length > 0 ? (Object.fromEntries(present) as Address) : undefined;
}

/** A site's name: its facility, or where v2 gives none, its city and country. */
function siteName(node: Node, index: number): string {
  const facility = optString(node, 'facility');
  if (facility) return facility;
  const place = [optString(node, 'city'), optString(node, 'country')].filter(Boolean).join(', ');
  return place || `Site ${index + 1}`;
}

/**
 * One Location per contactsLocationsModule.locations entry, keyed by the NCT number, the facility and
 * the city (not the position, which a record update may change), so a re-import updates the same Location.
 */
export function mapLocations(nctId: string, module: Node | undefined): KeyedResource[] {
  if (!module) return [];
  return objectList(module, 'locations').map((node, index) => {
    const name = siteName(node, index);
    // The city too: a multi-site record may name two sites alike ("University Hospital") in two cities.
    const city = optString(node, 'city');
    const key = city && city !== name ? derivedKey(nctId, 'site', name, city) : derivedKey(nctId, 'site', name);
    const where = address(node);
    const resource: Location = {
      resourceType: 'Location',
      identifier: [key],
      name,
      ...(where ? { address: where } : {}),
    };
    return { resource, key };
  });
}
