import type { AdverseEvent, Patient, ResearchSubject } from '@medplum/fhirtypes';
import type { KeyedResource } from '../../src/trial/ctgov/entries';
import { adverseEventEntry } from '../../src/trial/demo/adverse-events';
import { addDays, daysBetween, type Day } from '../../src/trial/demo/calendar';
import type { DemoArm, TrialDesign } from '../../src/trial/demo/design';
import { refTo } from '../../src/trial/demo/demo-entries';
import { infusion, productAt } from '../../src/trial/demo/infusions';
import { MEASURES, measured, type VisitContext } from '../../src/trial/demo/observations';
import { consentEntry, patientEntry, person, researchSubjectEntry, subjectLabel } from '../../src/trial/demo/participants';
import { forkPrng, type Prng } from '../../src/trial/demo/prng';
import { safetyLabs } from '../../src/trial/demo/safety-labs';
import { sscBaseline, sscVisit } from '../../src/trial/demo/ssc-measures';
import { visitDay } from '../../src/trial/demo/subject-course';
import { asFatal, drawEvents, isTreatmentRelatedSevere, type BenchEvent } from './measures-events';

/**
 * One bench subject of NCT04356287, built with the demo's builders (src/trial/demo): Patient,
 * consent, ResearchSubject, the SSc assessments of each visit up to the data cut-off (mRSS and labs at
 * M0, M1, M3 and M12, body weight and BMI), the infusions the arm's schedule gives (cells or placebo
 * at M0 and M3, no second one after a TRSAE), and `adverseEvents` adverse events. Returned as the
 * demo's keyed resources (references still urn:uuid and conditional); measures-data.ts gives them ids.
 */

export type Category = 'on-study' | 'withdrawn' | 'ineligible';

export interface SubjectInput {
  readonly design: TrialDesign;
  readonly seed: number;
  /** 1-based. */
  readonly number: number;
  /** Undefined for an ineligible subject, never randomized. */
  readonly arm: DemoArm | undefined;
  readonly category: Category;
  /** The first infusion (M0), or the planned one of an ineligible subject. */
  readonly m0: Day;
  readonly cutoff: Day;
  readonly adverseEvents: number;
  /** Observations to add (unscheduled safety labs) or, negative, to leave out, beyond the visits'. */
  readonly observationAdjust: number;
}

export interface BuiltSubject {
  readonly entries: KeyedResource[];
  /** The ResearchSubject entry. */
  readonly subject: KeyedResource;
  readonly observations: number;
  readonly adverseEvents: number;
  readonly infusions: number;
}

const FEMALE_SHARE = 0.65;
const WITHDRAWAL_REASONS = ['Withdrew consent', 'Moved away', 'Lost to follow-up', 'Adverse event', 'Physician decision'];
export const WITHDRAWAL_REASON_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/withdrawal-reason';

function minDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}

/** The demo's subject course, with the bench's status mix and event counts. */
export function buildSubject(input: SubjectInput): BuiltSubject {
  const { design, number } = input;
  const prng = forkPrng(input.seed, 'bench-measures', 'subject', number);
  const label = subjectLabel(number);
  const who = person(prng, input.m0, FEMALE_SHARE);
  const female = who.gender === 'female';
  const patient = patientEntry(design.nctId, label, who);
  const consent = consentEntry(design.nctId, label, patient, addDays(input.m0, -14));
  const context = (visitId: string, day: Day): VisitContext => ({ nctId: design.nctId, subject: label, patient: refTo<Patient>(patient), visitId, day });
  const base = sscBaseline(prng);
  const observations: KeyedResource[] = [];
  const weights = new Set<KeyedResource>();
  const infusions: KeyedResource[] = [];

  if (input.category === 'ineligible' || !input.arm) {
    const screening = addDays(input.m0, -10);
    observations.push(...sscVisit(context('screening', screening), 'baseline', base, 0, prng, female));
    adjust(observations, weights, input, context, [screening, addDays(screening, 3)], base.hemoglobin);
    const subject = researchSubjectEntry(design.nctId, label, patient, consent, {
      status: 'ineligible', armName: '', registered: addDays(input.m0, -14), started: false, ended: addDays(screening, 3),
    });
    const { assignedArm: _none, ...withoutArm } = subject.resource as ResearchSubject;
    const ineligible = { ...subject, resource: withoutArm };
    return finish([patient, consent, ineligible, ...observations], ineligible, observations, [], 0);
  }
  const arm = input.arm;
  const visits = design.visits.map((plan) => ({ plan, day: visitDay(input.m0, plan) }));
  const lastVisit = visits[visits.length - 1].day;
  let lastDay = minDay(input.cutoff, lastVisit);
  if (input.category === 'withdrawn') lastDay = addDays(input.m0, prng.int(1, Math.max(1, daysBetween(input.m0, lastDay) - 1)));
  const infusionVisits = visits.filter((v) => v.plan.infusion && v.day <= lastDay);
  const events = drawEvents(forkPrng(input.seed, 'bench-measures', 'events', number), input.adverseEvents, infusionVisits.map((v) => v.day), lastDay);
  // No infusion after a treatment-related severe adverse event (seed 000; the infusion checks).
  const stopAt = events.find(isTreatmentRelatedSevere)?.plan.onset;
  const given = infusionVisits.filter((v, i) => i === 0 || stopAt === undefined || v.day <= stopAt);
  const fatal = events.find((e) => e.fatal);
  if (fatal) lastDay = fatal.plan.onset;
  const response = arm.placebo ? prng.real(-0.05, 0.1, 2) : prng.real(0.1, 0.7, 2);
  const weight0 = female ? prng.real(48, 82) : prng.real(60, 98);
  const height = female ? prng.real(1.55, 1.75, 2) : prng.real(1.65, 1.9, 2);
  const allInfusionPlans = design.visits.filter((v) => v.infusion);
  for (const { plan, day } of visits) {
    if (day > lastDay) break;
    const ctx = context(plan.id, day);
    const improvement = Math.max(0, Math.min(1, response * Math.min(1, (plan.months + plan.days / 30) / 12)));
    observations.push(...sscVisit(ctx, plan.kind, base, improvement, prng, female));
    if (plan.kind === 'baseline') observations.push(measured(ctx, MEASURES.bmi, Number((weight0 / height ** 2).toFixed(1)), 'kg/m2'));
    const product = given.some((v) => v.plan === plan) ? productAt(arm, plan, allInfusionPlans.indexOf(plan), design.placeboControlled) : undefined;
    if (product) {
      const dose = infusion(ctx, design, arm, product, Number((weight0 + prng.real(-1.5, 1.5)).toFixed(1)));
      observations.push(dose.weight);
      weights.add(dose.weight);
      infusions.push(dose.administration);
    }
  }
  adjust(observations, weights, input, context, [addDays(input.m0, 1), lastDay], base.hemoglobin);
  const ended = fatal ? lastDay : input.category === 'withdrawn' ? lastDay : lastVisit <= input.cutoff ? lastVisit : undefined;
  const thirdVisit = allInfusionPlans[1] ? visitDay(input.m0, allInfusionPlans[1]) : lastVisit;
  const status: ResearchSubject['status'] = fatal
    ? 'off-study'
    : input.category === 'withdrawn'
      ? 'withdrawn'
      : ended
        ? 'off-study'
        : thirdVisit <= input.cutoff
          ? 'follow-up'
          : 'on-study';
  const subject = researchSubjectEntry(design.nctId, label, patient, consent, {
    status, armName: arm.name, registered: addDays(input.m0, -7), started: infusions.length > 0, ended,
  });
  if (status === 'withdrawn') {
    const reason = { url: WITHDRAWAL_REASON_URL, valueCodeableConcept: { text: prng.pick(WITHDRAWAL_REASONS) } };
    (subject.resource as ResearchSubject).extension = [reason];
  }
  const adverse = adverseEvents(input, events, infusions, subject, context);
  return finish([patient, consent, subject, ...observations, ...infusions, ...adverse], subject, observations, adverse, infusions.length);
}

function finish(entries: KeyedResource[], subject: KeyedResource, observations: KeyedResource[], adverse: KeyedResource[], infusions: number): BuiltSubject {
  return { entries, subject, observations: observations.length, adverseEvents: adverse.length, infusions };
}

function adverseEvents(input: SubjectInput, events: BenchEvent[], infusions: KeyedResource[], subject: KeyedResource, context: (id: string, day: Day) => VisitContext): KeyedResource[] {
  if (infusions.length === 0) return [];
  return events.map((e, n) => {
    const suspect = infusions[Math.max(0, Math.min(e.infusion, infusions.length - 1))];
    const keyed = adverseEventEntry(context('ae', e.plan.onset), n + 1, e.plan, suspect, subject, input.cutoff);
    return e.fatal ? { ...keyed, resource: asFatal(keyed.resource as AdverseEvent) } : keyed;
  });
}

/**
 * Brings the subject's Observations to the count the data set needs: unscheduled safety labs on days
 * within `window`, or the last droppable ones (not a body weight an infusion cites) left out.
 */
function adjust(
  observations: KeyedResource[],
  weights: ReadonlySet<KeyedResource>,
  input: SubjectInput,
  context: (id: string, day: Day) => VisitContext,
  window: [Day, Day],
  hemoglobin: number,
): void {
  let missing = input.observationAdjust;
  if (missing < 0) {
    for (let i = observations.length - 1; i >= 0 && missing < 0; i--) {
      if (weights.has(observations[i])) continue;
      observations.splice(i, 1);
      missing++;
    }
    return;
  }
  const prng: Prng = forkPrng(input.seed, 'bench-measures', 'unscheduled', input.number);
  const span = Math.max(0, daysBetween(window[0], window[1]));
  for (let k = 1; missing > 0; k++) {
    const day = addDays(window[0], prng.int(0, span));
    const labs = safetyLabs(context(`unscheduled-${k}`, day), prng, Number((hemoglobin + prng.real(-0.8, 0.8)).toFixed(1)));
    observations.push(...labs.slice(0, missing));
    missing -= Math.min(missing, labs.length);
  }
}
