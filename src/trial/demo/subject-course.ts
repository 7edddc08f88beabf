import type { Patient, ResearchSubject } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { adverseEventEntry, type EventPlan } from './adverse-events';
import type { Allocation } from './allocation';
import { addDays, addMonths, type Day } from './calendar';
import type { TrialDesign } from './design';
import { refTo } from './demo-entries';
import { followUpEvents, infusionEvents, isTrsae } from './event-plans';
import { infusion, productAt } from './infusions';
import { lupusBaseline, lupusVisit } from './lupus-measures';
import { MEASURES, measured, type VisitContext } from './observations';
import { consentEntry, patientEntry, person, researchSubjectEntry, subjectLabel } from './participants';
import type { Prng } from './prng';
import { CONSENT_DAYS_BEFORE_M0, REGISTRATION_DAYS_BEFORE_M0, type VisitPlan } from './schedule-defaults';
import { sscBaseline, sscVisit } from './ssc-measures';

/** Share of women: 13 of 20 in seed 004 (SSc); lupus' "predilection for women" (seed 003). Demo assumption. */
const FEMALE_SHARE = { 'systemic-sclerosis': 0.65, lupus: 0.85 } as const;

export function visitDay(firstInfusion: Day, visit: VisitPlan): Day {
  return addDays(addMonths(firstInfusion, visit.months), visit.days);
}

type VisitMeasures = (ctx: VisitContext, kind: VisitPlan['kind'], improvement: number) => KeyedResource[];

/** The disease's assessments for this subject, with their baseline drawn once. */
function measuresFor(design: TrialDesign, prng: Prng, female: boolean): VisitMeasures {
  if (design.disease === 'lupus') {
    const base = lupusBaseline(prng);
    return (ctx, kind, improvement) => lupusVisit(ctx, kind, base, improvement, prng, female);
  }
  const base = sscBaseline(prng);
  return (ctx, kind, improvement) => sscVisit(ctx, kind, base, improvement, prng, female);
}

/** A subject's course up to the cut-off, filled in visit by visit. */
interface Course {
  entries: KeyedResource[];
  events: { plan: EventPlan; infusion: KeyedResource }[];
  infusions: number;
  /** A TRSAE stopped further infusions (seed 000: second infusions only in the absence of TRSAE). */
  stopped: boolean;
}

/** The visits that happened by the cut-off, in order: measurements, weight and infusion, events. */
function runVisits(design: TrialDesign, a: Allocation, patient: KeyedResource, cutoff: Day, prng: Prng, female: boolean): Course {
  const label = subjectLabel(a.number);
  const measures = measuresFor(design, prng, female);
  const response = a.arm.placebo ? prng.real(-0.05, 0.1, 2) : prng.real(0.1, 0.7, 2);
  const weight0 = female ? prng.real(48, 82) : prng.real(60, 98);
  const height = female ? prng.real(1.55, 1.75, 2) : prng.real(1.65, 1.9, 2);
  const course: Course = { entries: [], events: [], infusions: 0, stopped: false };
  const visits = design.visits.map((plan) => ({ plan, day: visitDay(a.firstInfusion, plan) })).filter((v) => v.day <= cutoff);
  const infusionVisits = design.visits.filter((v) => v.infusion);
  let last: KeyedResource | undefined;
  visits.forEach(({ plan, day }, i) => {
    const ctx: VisitContext = { nctId: design.nctId, subject: label, patient: refTo<Patient>(patient), visitId: plan.id, day };
    const improvement = Math.max(0, Math.min(1, response * Math.min(1, (plan.months + plan.days / 30) / 12)));
    course.entries.push(...measures(ctx, plan.kind, improvement));
    if (plan.kind === 'baseline') course.entries.push(measured(ctx, MEASURES.bmi, Number((weight0 / height ** 2).toFixed(1)), 'kg/m2'));
    const kind = plan.infusion && !course.stopped ? productAt(a.arm, plan, infusionVisits.indexOf(plan), design.placeboControlled) : undefined;
    if (kind) {
      const given = infusion(ctx, design, a.arm, kind, Number((weight0 + prng.real(-1.5, 1.5)).toFixed(1)));
      course.entries.push(given.weight, given.administration);
      course.infusions++;
      last = given.administration;
      const plans = infusionEvents(prng, day);
      course.events.push(...plans.map((p) => ({ plan: p, infusion: given.administration })));
      if (plans.some(isTrsae)) course.stopped = true;
    }
    const next = visits[i + 1]?.day ?? cutoff;
    const suspect = last;
    if (suspect) course.events.push(...followUpEvents(prng, day, next).map((p) => ({ plan: p, infusion: suspect })));
  });
  return course;
}

/** Where the subject stands at the cut-off (R4 ResearchSubject.status). */
function statusAt(design: TrialDesign, a: Allocation, course: Course, cutoff: Day): { status: ResearchSubject['status']; ended?: Day } {
  const days = design.visits.map((v) => visitDay(a.firstInfusion, v));
  const last = days[days.length - 1];
  if (last <= cutoff) return { status: 'off-study', ended: last };
  if (course.infusions === 0) return { status: 'on-study' };
  const infusionVisits = design.visits.filter((v) => v.infusion);
  const ahead = design.visits.filter((v, i) => v.infusion && days[i] > cutoff);
  const moreToCome = !course.stopped && ahead.some((v) => productAt(a.arm, v, infusionVisits.indexOf(v), design.placeboControlled) !== undefined);
  return { status: moreToCome ? 'on-study-intervention' : 'follow-up' };
}

/** Everything about one subject: Patient, consent, enrolment, visits, infusions and adverse events. */
export function subjectEntries(design: TrialDesign, a: Allocation, cutoff: Day, prng: Prng): KeyedResource[] {
  const label = subjectLabel(a.number);
  const who = person(prng, a.firstInfusion, FEMALE_SHARE[design.disease]);
  const patient = patientEntry(design.nctId, label, who);
  const consent = consentEntry(design.nctId, label, patient, addDays(a.firstInfusion, -CONSENT_DAYS_BEFORE_M0));
  const course = runVisits(design, a, patient, cutoff, prng, who.gender === 'female');
  const { status, ended } = statusAt(design, a, course, cutoff);
  const registered = addDays(a.firstInfusion, -REGISTRATION_DAYS_BEFORE_M0);
  const subject = researchSubjectEntry(design.nctId, label, patient, consent, { status, armName: a.arm.name, registered, started: course.infusions > 0, ended });
  const ctx: VisitContext = { nctId: design.nctId, subject: label, patient: refTo<Patient>(patient), visitId: 'ae', day: a.firstInfusion };
  const events = course.events
    .filter((e) => e.plan.onset <= cutoff)
    .map((e, n) => adverseEventEntry(ctx, n + 1, e.plan, e.infusion, subject, cutoff));
  return [patient, consent, subject, ...course.entries, ...events];
}
