import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { derivedKey, type KeyedResource, referenceTo } from './entries';
import { type Node, objectList, optString, reqString } from './record-reader';

const ROLE_TEXT: Readonly<Record<string, string>> = {
  PRINCIPAL_INVESTIGATOR: 'Principal Investigator',
  SUB_INVESTIGATOR: 'Sub-Investigator',
  STUDY_CHAIR: 'Study Chair',
  STUDY_DIRECTOR: 'Study Director',
};

export interface MappedInvestigators {
  /** The principal investigator's PractitionerRole (ResearchStudy.principalInvestigator). */
  readonly principalInvestigator?: KeyedResource;
  readonly resources: KeyedResource[];
}

/**
 * Each overall official as a Practitioner (the name as registered, degrees included: v2 does not split
 * them) and a PractitionerRole in this study, with the affiliation as the organization's display.
 */
export function mapInvestigators(nctId: string, module: Node | undefined): MappedInvestigators {
  if (!module) return { resources: [] };
  const resources: KeyedResource[] = [];
  let principalInvestigator: KeyedResource | undefined;
  for (const node of objectList(module, 'overallOfficials')) {
    const name = reqString(node, 'name');
    const role = optString(node, 'role');
    const affiliation = optString(node, 'affiliation');
    const personKey = derivedKey(nctId, 'official', name);
    const person: KeyedResource = {
      key: personKey,
      resource: { resourceType: 'Practitioner', identifier: [personKey], name: [{ text: name }] } satisfies Practitioner,
    };
    const roleKey = derivedKey(nctId, 'official', name, role ?? 'role');
    const practitionerRole: PractitionerRole = {
      resourceType: 'PractitionerRole',
      identifier: [roleKey],
      practitioner: referenceTo(person, name),
      ...(affiliation ? { organization: { display: affiliation } } : {}),
      ...(role ? { code: [{ text: ROLE_TEXT[role] ?? role }] } : {}),
    };
    const keyedRole = { key: roleKey, resource: practitionerRole };
    resources.push(person, keyedRole);
    if (role === 'PRINCIPAL_INVESTIGATOR' && !principalInvestigator) principalInvestigator = keyedRole;
  }
  return { principalInvestigator, resources };
}
