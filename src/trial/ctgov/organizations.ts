import type { Organization } from '@medplum/fhirtypes';
import { ORGANIZATION_NAME_SYSTEM } from './codes';
import type { KeyedResource } from './entries';
import { type Node, objectList, optObject, reqString } from './record-reader';

export interface MappedOrganizations {
  readonly sponsor?: KeyedResource;
  readonly collaborators: KeyedResource[];
}

/**
 * An organization keyed by its registered name: v2 gives sponsors no number, and the same sponsor
 * (Assistance Publique - Hôpitaux de Paris) runs several trials, so one Organization serves them all.
 */
export function organization(name: string): KeyedResource {
  const key = { system: ORGANIZATION_NAME_SYSTEM, value: name.trim() };
  const resource: Organization = { resourceType: 'Organization', identifier: [key], active: true, name: name.trim() };
  return { resource, key };
}

/** The lead sponsor and the collaborators of sponsorCollaboratorsModule. */
export function mapOrganizations(module: Node | undefined): MappedOrganizations {
  if (!module) return { collaborators: [] };
  const lead = optObject(module, 'leadSponsor');
  const collaborators = objectList(module, 'collaborators').map((node) => organization(reqString(node, 'name')));
  return { sponsor: lead && organization(reqString(lead, 'name')), collaborators };
}
