import type { Coding, Group, GroupCharacteristic, ResearchStudy } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { ResourceReader } from '../../store/repository';
import { conditionKind } from '../eligibility/criteria';

/** A code of the panel; no system means the profile fixes the code in any system. */
export interface PanelCode {
  system?: string;
  code: string;
}

const STROMA_PROFILES = 'https://stroma-fhir.org/fhir/StructureDefinition/';

/**
 * A study's lab panel: what the study needs from hospitals (issue 9, "derived from the profiles and
 * criteria"). The codes the trial's measurement profiles fix (DOMAIN.md's table: safety labs, scores,
 * body weight for the dose), and the codes its eligibility criteria compare (the enrollment Group's
 * observation characteristics), so a hospital's result outside them is not kept.
 */
export async function labPanel(study: ResearchStudy, reader: ResourceReader, registries: FhirRegistries): Promise<PanelCode[]> {
  return [...profileCodes(registries), ...(await criteriaCodes(study, reader))];
}

export function profileCodes(registries: FhirRegistries): PanelCode[] {
  return registries.profiles
    .profilesFor('Observation')
    .filter((p) => p.url.startsWith(STROMA_PROFILES))
    .flatMap((p) => p.codes);
}

/** The codes of the enrollment Group's observation characteristics, as Codings. */
export function characteristicCodes(group: Group): Coding[] {
  const observational = (group.characteristic ?? []).filter((c: GroupCharacteristic) => conditionKind(c) === 'observation');
  return observational.flatMap((c) => c.code?.coding ?? []).filter((c) => typeof c.code === 'string');
}

async function criteriaCodes(study: ResearchStudy, reader: ResourceReader): Promise<PanelCode[]> {
  const [type, id] = (study.enrollment?.[0]?.reference ?? '').split('/');
  if (type !== 'Group' || !id) return [];
  const group = (await reader.read('Group', id))?.resource as Group | undefined;
  return group ? characteristicCodes(group).map((c) => ({ system: c.system, code: c.code as string })) : [];
}

/** Whether one of the codings is a code of the panel. */
export function inPanel(codings: readonly Coding[], panel: readonly PanelCode[]): boolean {
  return codings.some((coding) => panel.some((p) => p.code === coding.code && (p.system === undefined || p.system === coding.system)));
}
