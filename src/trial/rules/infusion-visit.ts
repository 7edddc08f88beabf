import type { ResearchSubject } from '@medplum/fhirtypes';
import { errors } from '../../fhir/outcomes';
import { infusionFor, type ScheduledInfusion, type StudyVisit } from '../protocol/visit-schedule';
import { type DateWindow, daysBetween, DEFAULT_WINDOW_TOLERANCE_DAYS, windowOf } from '../protocol/visit-window';

const EFFECTIVE = 'MedicationAdministration.effective';

/** Another infusion of the subject in the study: its id and day. */
export interface GivenInfusion {
  id: string;
  day: string;
}

/** The visit an infusion belongs to, and what that visit gives the subject's arm. */
export interface MatchedVisit {
  visit: StudyVisit;
  infusion: ScheduledInfusion;
  window: DateWindow;
  /** This is the subject's first infusion: it defines the index visit's date. */
  first: boolean;
}

/**
 * The visit of the schedule this infusion (on `day`) is given at, for the subject's arm. The index visit
 * (the one the others are timed from) is the subject's first infusion: an infusion earlier than every
 * other one is at the index visit, the others are timed from the earliest one and must fall within the
 * window of a visit that gives the arm an infusion, a visit that has none of the other infusions yet.
 * Infusions are expected in the order they were given: one recorded before an earlier one is taken as
 * the index.
 */
export function matchVisit(visits: readonly StudyVisit[], subject: ResearchSubject, day: string, others: readonly GivenInfusion[]): MatchedVisit {
  const arm = `arm "${subject.assignedArm}"`;
  const armVisits = visits.flatMap((visit) => {
    const infusion = infusionFor(visit, subject);
    return infusion ? [{ visit, infusion }] : [];
  });
  const indexDay = others.map((o) => o.day).reduce((a, b) => (b < a ? b : a), day);
  const first = indexDay === day && !others.some((o) => o.day === day);
  const windows = armVisits.flatMap(({ visit, infusion }) => {
    const window = windowOf(indexDay, visit.offsets, visit.window);
    return window ? [{ visit, infusion, window }] : [];
  });
  if (first) {
    const index = windows.find((w) => w.visit.offsets.length === 0);
    if (!index) {
      const visit = visits.find((v) => v.offsets.length === 0);
      throw errors.businessRule(`a first infusion is given at the index visit (${visit?.title ?? 'none'}), and it gives ${arm} no infusion`, EFFECTIVE);
    }
    return { ...index, first: true };
  }
  const candidates = windows
    .filter((w) => w.window.from <= day && day <= w.window.to)
    .sort((a, b) => Math.abs(daysBetween(a.window.target, day)) - Math.abs(daysBetween(b.window.target, day)));
  const matched = candidates[0];
  if (!matched) {
    const offered = windows.map((w) => describe(w.visit, w.window)).join('; ');
    throw errors.businessRule(
      `the infusion on ${day} (day ${daysBetween(indexDay, day)} after the first infusion on ${indexDay}) is in no window of a visit that gives ${arm} an infusion: ${offered || 'none'}`,
      EFFECTIVE,
    );
  }
  const taken = others.find((o) => matched.window.from <= o.day && o.day <= matched.window.to);
  if (taken) {
    throw errors.businessRule(`visit ${matched.visit.title} (${describe(matched.visit, matched.window)}) already has its infusion: MedicationAdministration/${taken.id} on ${taken.day}`, EFFECTIVE);
  }
  return { ...matched, first: false };
}

function describe(visit: StudyVisit, window: DateWindow): string {
  if (visit.offsets.length === 0) return `${visit.title} on ${window.target} (the index visit)`;
  const source = window.stated ? 'the protocol\'s window' : `Stroma's default of ${DEFAULT_WINDOW_TOLERANCE_DAYS} days either side, the protocol stating no window`;
  return `${visit.title} from ${window.from} to ${window.to} (planned ${window.target}; ${source})`;
}
