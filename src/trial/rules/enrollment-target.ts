import type { Group, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors } from '../../fhir/outcomes';
import type { WriteContext } from '../../fhir/validation/business-rules';
import type { IndexedParameter, ResourceReader, SearchQuery } from '../../store/repository';

/**
 * The statuses of a registered subject: the ones the profile requires an arm for
 * (research-subject.fsh, stroma-arm-once-on-study). Off-study counts: a subject who completed or left
 * the study after registration took a place, as ClinicalTrials.gov counts enrollment. Candidates,
 * screening, eligible, pending-on-study, ineligible and not-registered subjects hold no place.
 */
export const ENROLLED_STATUSES: readonly NonNullable<ResearchSubject['status']>[] = [
  'on-study',
  'on-study-intervention',
  'on-study-observation',
  'follow-up',
  'off-study',
];

/**
 * Whether the subject holds one of the study's places. A withdrawn subject holds one when it was
 * registered (it has an arm: the seed trials assign it at registration), since R4 only says
 * "withdrawn before registration" but the lifecycle also lets registered subjects withdraw (issue 7).
 */
export function holdsPlace(subject: ResearchSubject): boolean {
  if (subject.status === undefined) return false;
  if (subject.status === 'withdrawn') return subject.assignedArm !== undefined;
  return ENROLLED_STATUSES.includes(subject.status);
}

/** The lock that serializes the writes that can take a study's last place. */
export function enrollmentLock(studyId: string): string {
  return `stroma:enrollment:${studyId}`;
}

/** The id in a relative reference `Type/id` (or `Type/id/_history/n`), else undefined. */
export function idIn(reference: string | undefined, type: string): string | undefined {
  const match = new RegExp(`^${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(reference ?? '');
  return match?.[1];
}

const PAGE = 500;

/**
 * Refuses (422) a write that gives `subject` a place when the study's places are all taken. The target
 * is the quantity of the study's enrollment Group (ResearchStudy.enrollment[0]); a study without one
 * has no limit. Concurrent writes for one study wait for each other (tx.lock) before counting, so two
 * of them cannot both take the last place.
 */
export function enrollmentTargetCheck(registries: FhirRegistries): (subject: ResearchSubject, context: WriteContext) => Promise<void> {
  const study = registries.searchParameters.get('ResearchSubject', 'study') as IndexedParameter;
  const status = registries.searchParameters.get('ResearchSubject', 'status') as IndexedParameter;

  const placesTakenByOthers = async (studyId: string, subjectId: string | undefined, reader: ResourceReader): Promise<number> => {
    const query: SearchQuery = {
      resourceType: 'ResearchSubject',
      filters: [
        { param: study, values: [{ value: `ResearchStudy/${studyId}` }] },
        { param: status, values: [...ENROLLED_STATUSES, 'withdrawn'].map((value) => ({ value })) },
      ],
      sort: [],
      count: PAGE,
      offset: 0,
      total: 'none',
    };
    let taken = 0;
    let cursor: string | undefined;
    do {
      const page = await reader.search({ ...query, cursor });
      taken += page.resources.filter((r) => r.id !== subjectId && holdsPlace(r as ResearchSubject)).length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return taken;
  };

  return async (subject: ResearchSubject, { previous, tx }: WriteContext): Promise<void> => {
    const before = previous && !previous.deleted ? (previous.resource as ResearchSubject | undefined) : undefined;
    if (!holdsPlace(subject) || (before !== undefined && holdsPlace(before))) return;
    const studyId = idIn(subject.study?.reference, 'ResearchStudy');
    if (studyId === undefined) return;
    await tx.lock(enrollmentLock(studyId));
    const target = await targetOf(studyId, tx);
    if (target === undefined) return;
    const taken = await placesTakenByOthers(studyId, subject.id, tx);
    if (taken >= target.quantity) {
      throw errors.businessRule(
        `ResearchSubject/${subject.id}: ResearchStudy/${studyId} has reached its enrollment target ` +
          `(${target.quantity} subjects, ${target.group}.quantity); status ${subject.status} would enroll one more`,
        'ResearchSubject.status',
      );
    }
  };
}

/** The study's target: its enrollment Group's quantity, if it states one. */
async function targetOf(studyId: string, reader: ResourceReader): Promise<{ quantity: number; group: string } | undefined> {
  const stored = await reader.read('ResearchStudy', studyId);
  const groupId = idIn((stored?.resource as ResearchStudy | undefined)?.enrollment?.[0]?.reference, 'Group');
  if (groupId === undefined) return undefined;
  const group = (await reader.read('Group', groupId))?.resource as Group | undefined;
  return typeof group?.quantity === 'number' ? { quantity: group.quantity, group: `Group/${groupId}` } : undefined;
}
