import type { Extension, Period, ResearchSubject } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { errors } from '../../fhir/outcomes';
import type { BusinessRule, WriteContext } from '../../fhir/validation/business-rules';
import { enrollmentTargetCheck } from './enrollment-target';

export type SubjectStatus = NonNullable<ResearchSubject['status']>;

export const WITHDRAWAL_REASON_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/withdrawal-reason';

/**
 * Where each R4 research-subject-status may move next (issue 7: candidate or screening -> eligible or
 * ineligible -> on-study -> on-study-intervention -> follow-up -> off-study; withdrawn from any active
 * state). Keeping the same status is always allowed: an update of other elements. The R4 codes the issue
 * does not list, placed by their R4 definitions:
 * - potential-candidate ("potentially eligible") comes before candidate, and may go where candidate goes;
 * - pending-on-study ("pre-registered") sits between eligible and on-study;
 * - not-registered ("registration was not completed") ends eligible or pending-on-study subjects;
 * - on-study-observation ("evaluated ... but not receiving any intervention", short-term follow-up) is
 *   the other on-study state: a subject may move between it and on-study-intervention (the time
 *   between two infusions), and leaves it as from on-study-intervention.
 * Off-study is reachable from every registered state (R4: participation ended by completion,
 * withdrawal, non-compliance or an adverse event). Off-study, ineligible, not-registered and withdrawn
 * are final: a person screened again is a new ResearchSubject.
 */
export const NEXT_STATUSES: Readonly<Record<SubjectStatus, readonly SubjectStatus[]>> = {
  'potential-candidate': ['candidate', 'screening', 'eligible', 'ineligible', 'withdrawn'],
  candidate: ['screening', 'eligible', 'ineligible', 'withdrawn'],
  screening: ['eligible', 'ineligible', 'withdrawn'],
  eligible: ['pending-on-study', 'on-study', 'not-registered', 'withdrawn'],
  'pending-on-study': ['on-study', 'not-registered', 'withdrawn'],
  'on-study': ['on-study-intervention', 'on-study-observation', 'follow-up', 'off-study', 'withdrawn'],
  'on-study-intervention': ['on-study-observation', 'follow-up', 'off-study', 'withdrawn'],
  'on-study-observation': ['on-study-intervention', 'follow-up', 'off-study', 'withdrawn'],
  'follow-up': ['off-study', 'withdrawn'],
  'off-study': [],
  ineligible: [],
  'not-registered': [],
  withdrawn: [],
};

export function mayMove(from: SubjectStatus, to: SubjectStatus): boolean {
  return from === to || NEXT_STATUSES[from].includes(to);
}

/**
 * The enrollment lifecycle of ResearchSubject (issue 7, point 1), on every write:
 * - an update moves the status only along NEXT_STATUSES; a create may start in any status (trials
 *   already running are loaded with subjects on study, as the demo data is);
 * - the period is kept: an update that drops a period.start or period.end the current version has is
 *   refused rather than completed silently, so what is stored is always what the client sent (a
 *   changed date is a correction and is accepted);
 * - a withdrawn subject states why, in the withdrawal-reason extension (R4 has no element for it), on
 *   every version, so the reason is kept too;
 * - no write enrolls a subject beyond the study's target (enrollment-target.ts).
 */
export function enrollmentLifecycleRule(registries: FhirRegistries): BusinessRule {
  const checkTarget = enrollmentTargetCheck(registries);
  return {
    name: 'enrollment-lifecycle',
    types: ['ResearchSubject'],
    async apply(resource, context) {
      const subject = resource as ResearchSubject;
      const before = currentVersion(context);
      if (before) {
        assertTransition(subject, before);
        assertPeriodKept(subject, before);
      }
      assertWithdrawalReason(subject);
      await checkTarget(subject, context);
      return resource;
    },
  };
}

function currentVersion({ previous }: WriteContext): ResearchSubject | undefined {
  return previous && !previous.deleted ? (previous.resource as ResearchSubject | undefined) : undefined;
}

function assertTransition(subject: ResearchSubject, before: ResearchSubject): void {
  const from = before.status;
  const to = subject.status;
  // A status missing or unknown is the validator's to refuse (status is 1..1 and bound required).
  if (from === undefined || to === undefined || !Object.hasOwn(NEXT_STATUSES, from) || !Object.hasOwn(NEXT_STATUSES, to)) return;
  if (mayMove(from, to)) return;
  const allowed = NEXT_STATUSES[from];
  throw errors.businessRule(
    `ResearchSubject/${subject.id}: status may not change from ${from} to ${to} ` +
      `(${allowed.length > 0 ? `from ${from} it may change to ${allowed.join(', ')}` : `${from} is final`})`,
    'ResearchSubject.status',
  );
}

function assertPeriodKept(subject: ResearchSubject, before: ResearchSubject): void {
  for (const end of ['start', 'end'] as const satisfies readonly (keyof Period)[]) {
    const kept = before.period?.[end];
    if (kept !== undefined && subject.period?.[end] === undefined) {
      throw errors.businessRule(
        `ResearchSubject/${subject.id}: period.${end} (${kept}) may not be dropped; send it with every update`,
        `ResearchSubject.period.${end}`,
      );
    }
  }
}

function assertWithdrawalReason(subject: ResearchSubject): void {
  if (subject.status !== 'withdrawn' || hasReason(subject.extension)) return;
  throw errors.businessRule(
    `ResearchSubject/${subject.id}: a withdrawn subject needs the reason for the withdrawal, in the extension ${WITHDRAWAL_REASON_URL}`,
    'ResearchSubject.extension',
  );
}

function hasReason(extensions: Extension[] | undefined): boolean {
  const reason = extensions?.find((e) => e.url === WITHDRAWAL_REASON_URL)?.valueCodeableConcept;
  return (reason?.coding?.length ?? 0) > 0 || (reason?.text ?? '').trim() !== '';
}
