import type { Group, Reference, ResearchStudy } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { GroupMemberResolver } from '../../fhir/group-members';
import { serverFilter } from '../../fhir/search/parse-search';
import type { ResourceKey, ResourceReader } from '../../store/repository';

/** More studies than any server of ours holds; the search below reads them all in one page. */
const MAX_STUDIES = 1_000;
const MAX_SUBJECTS = 100_000;

/**
 * A study's enrollment Group (ResearchStudy.enrollment) describes who may enroll; it lists no members.
 * For Bulk Data's Group export it stands for the study: its participants (the individuals of its
 * ResearchSubjects, whatever their status) and the study's own resources (the ResearchStudy, the Group,
 * what the study refers to: sponsor, sites, investigator, protocol, parent study; and the conformance
 * resources of the trial data).
 */
export function enrollmentGroupMembers(registries: FhirRegistries): GroupMemberResolver {
  return {
    name: 'study-enrollment-group',
    async resolve(group: Group, reader: ResourceReader) {
      const study = await studyEnrolling(group.id ?? '', reader);
      if (!study) return undefined;
      const byStudy = serverFilter('ResearchSubject', 'study', `ResearchStudy/${study.id}`, registries);
      const subjects = await reader.search({
        resourceType: 'ResearchSubject', filters: [byStudy], sort: [], count: MAX_SUBJECTS, offset: 0, total: 'none',
      });
      const patients = subjects.resources.flatMap((s) => (s.resourceType === 'ResearchSubject' ? patientId(s.individual) : []));
      return { patients: [...new Set(patients)], related: [...studyResources(study, group), ...(await trialConformance(reader, registries))] };
    },
  };
}

/** The canonical bases of the conformance resources trial data is written against (DOMAIN.md). */
const TRIAL_CANONICAL_BASES = ['https://stroma-fhir.org/fhir/', 'http://hl7.org/fhir/uv/ae-research-backport-ig/'];
const CONFORMANCE_TYPES = ['StructureDefinition', 'ValueSet', 'CodeSystem'];

/**
 * The study's conformance resources: the trial profiles, extensions, value sets and code systems its
 * data is written against, so that a registry can read and validate what it receives.
 */
async function trialConformance(reader: ResourceReader, registries: FhirRegistries): Promise<ResourceKey[]> {
  const keys: ResourceKey[] = [];
  for (const resourceType of CONFORMANCE_TYPES) {
    const below = serverFilter(resourceType, 'url:below', TRIAL_CANONICAL_BASES.join(','), registries);
    const found = await reader.search({ resourceType, filters: [below], sort: [], count: MAX_STUDIES, offset: 0, total: 'none' });
    keys.push(...found.resources.map((r) => ({ resourceType, id: r.id as string })));
  }
  return keys;
}

async function studyEnrolling(groupId: string, reader: ResourceReader): Promise<ResearchStudy | undefined> {
  const studies = await reader.search({ resourceType: 'ResearchStudy', filters: [], sort: [], count: MAX_STUDIES, offset: 0, total: 'none' });
  return studies.resources.find(
    (s): s is ResearchStudy => s.resourceType === 'ResearchStudy' && (s.enrollment ?? []).some((r) => r.reference === `Group/${groupId}`),
  );
}

function patientId(reference: Reference | undefined): string[] {
  const match = /^Patient\/([^/]+)$/.exec(reference?.reference ?? '');
  return match ? [match[1]] : [];
}

function studyResources(study: ResearchStudy, group: Group): ResourceKey[] {
  const references = [study.sponsor, study.principalInvestigator, ...(study.site ?? []), ...(study.protocol ?? []), ...(study.partOf ?? [])];
  const keys: ResourceKey[] = [{ resourceType: 'ResearchStudy', id: study.id as string }, { resourceType: 'Group', id: group.id as string }];
  for (const reference of references) {
    const match = /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(reference?.reference ?? '');
    if (match && !keys.some((k) => k.resourceType === match[1] && k.id === match[2])) keys.push({ resourceType: match[1], id: match[2] });
  }
  return keys;
}
