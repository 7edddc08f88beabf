import type { Coding, Group, GroupCharacteristic, ResearchStudy } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { ResultCode } from '../../fhir/intake';
import type { ResourceReader } from '../../store/repository';
import { conditionKind } from '../eligibility/criteria';

const STROMA_PROFILES = 'https://stroma-fhir.org/fhir/StructureDefinition/';

/**
 * A study's lab panel: what the study needs from hospitals (issue 9, "derived from the profiles and
 * criteria"). The codes the trial's measurement profiles fix (DOMAIN.md's table: safety labs, scores,
 * body weight for the dose), and the codes its eligibility criteria compare (the enrollment Group's
 * observation characteristics), so a hospital's result outside them is not kept.
 */
export async function labPanel(study: ResearchStudy, reader: ResourceReader, registries: FhirRegistries): Promise<ResultCode[]> {
  return [...profileCodes(registries), ...(await criteriaCodes(study, reader))];
}

/** The codes the trial's measurement profiles fix (no system: the profile fixes the code in any system). */
export function profileCodes(registries: FhirRegistries): ResultCode[] {
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

async function criteriaCodes(study: ResearchStudy, reader: ResourceReader): Promise<ResultCode[]> {
  const [type, id] = (study.enrollment?.[0]?.reference ?? '').split('/');
  if (type !== 'Group' || !id) return [];
  const group = (await reader.read('Group', id))?.resource as Group | undefined;
  return group ? characteristicCodes(group).map((c) => ({ system: c.system, code: c.code as string })) : [];
}

/** Whether one of the codings is a code of the panel. */
export function inPanel(codings: readonly (Coding | undefined)[], panel: readonly ResultCode[]): boolean {
  return codings.some((coding) => panel.some((code) => sameCode(coding, code)));
}

/** Whether the coding is the code (in its system, or in any when the code names none). */
function sameCode(coding: Coding | undefined, code: ResultCode): boolean {
  return coding?.code === code.code && (code.system === undefined || coding.system === code.system);
}
