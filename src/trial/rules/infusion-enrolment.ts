import type { ResearchSubject } from '@medplum/fhirtypes';
import { dayOf } from '../protocol/visit-window';

/**
 * Statuses of a subject who has been registered on study (R4 research-subject-status). Infusions are
 * often recorded after the fact, when the subject has moved on to follow-up or left the study, so any
 * of these is accepted when the infusion's date lies within the subject's period.
 */
const REGISTERED = new Set(['on-study', 'on-study-intervention', 'on-study-observation', 'follow-up', 'off-study']);

/**
 * Why this ResearchSubject cannot have been infused on `day` (YYYY-MM-DD), or undefined when it can:
 * a registered status (REGISTERED) with the day within its period (from its start, to its end if it has
 * one); or withdrawn, with the day on or before the withdrawal (period.end: a subject withdrawn after
 * the infusion was on study when infused). Never before registration: candidate, screening, eligible,
 * ineligible, pending-on-study, not-registered; nor after a withdrawal.
 */
export function judgeEnrolment(subject: ResearchSubject, day: string): string | undefined {
  const label = `ResearchSubject/${subject.id} is ${subject.status}`;
  const start = subject.period?.start ? dayOf(subject.period.start) : undefined;
  const end = subject.period?.end ? dayOf(subject.period.end) : undefined;
  if (subject.status === 'withdrawn') {
    if (!end) return `${label} with no period.end to show the withdrawal came after the infusion`;
    if (day > end) return `${label} since ${end}`;
  } else if (!REGISTERED.has(subject.status)) {
    return `${label}, not on study`;
  }
  if (start && day < start) return `${label} from ${start}, after the infusion`;
  if (end && day > end && subject.status !== 'withdrawn') return `${label} and its period ended on ${end}`;
  if (!subject.assignedArm) return `${label} with no assignedArm`;
  return undefined;
}
