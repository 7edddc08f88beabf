import { addOffset, dayOf, daysBetween } from '../protocol/visit-window';
import { armStratifier, type ArmStrata } from './arm-strata';
import { proportion, type GroupFigures, type StratifierFigures } from './measure-report';
import type { EventRecord, InfusionRecord, SubjectRecord } from './study-records';

/** The events of the counting rules, with what each rule asks of them. */
interface CountedEvent extends EventRecord {
  patient: string;
  onsetDay: string;
  /** Related (C53260 or C53258) to one of the study's infusions given by the cut-off. */
  related: boolean;
  /** Onset on the day of a related study infusion or in the 10 days after it (day 10 counts, day 11 does not). */
  within10Days: boolean;
}

export interface SafetyInput {
  subjects: SubjectRecord[];
  infusions: InfusionRecord[];
  events: EventRecord[];
  /** The cut-off date (YYYY-MM-DD): what happened after it is not counted. */
  asOf: string;
  /** The study's arm names in order, or undefined when the requester may not see the allocation. */
  arms?: readonly string[];
}

const INFUSION_WINDOW_DAYS = 10;
const GRADES = ['1', '2', '3', '4', '5'];

/**
 * The safety groups of issue 8 point 1. The safety population is the treated subjects (at least one
 * study infusion, placebo included); events count when they are treatment-emergent: onset on or after
 * the subject's first infusion, and on or before the cut-off.
 */
export function safetyFigures(input: SafetyInput): GroupFigures[] {
  const given = input.infusions.flatMap((i) => (i.patient && i.given && dayOf(i.given) <= input.asOf ? [{ ...i, patient: i.patient, day: dayOf(i.given) }] : []));
  const firstInfusion = new Map<string, string>();
  for (const infusion of given) {
    const known = firstInfusion.get(infusion.patient);
    if (!known || infusion.day < known) firstInfusion.set(infusion.patient, infusion.day);
  }
  const infusionDays = new Map(given.map((i) => [`MedicationAdministration/${i.id}`, i.day]));
  const events = input.events.flatMap((e): CountedEvent[] => {
    const onsetDay = e.onset ? dayOf(e.onset) : undefined;
    const first = e.patient ? firstInfusion.get(e.patient) : undefined;
    if (!e.patient || !onsetDay || !first || onsetDay < first || onsetDay > input.asOf) return [];
    const relatedDays = e.relatedTo.flatMap((ref) => infusionDays.get(ref) ?? []);
    const within10Days = relatedDays.some((day) => daysBetween(day, onsetDay) >= 0 && daysBetween(day, onsetDay) <= INFUSION_WINDOW_DAYS);
    return [{ ...e, patient: e.patient, onsetDay, related: relatedDays.length > 0, within10Days }];
  });
  const strata = armStratifier(input.subjects, input.arms);
  const treated = [...firstInfusion.keys()];
  const severe = (e: CountedEvent) => (e.grade ?? 0) >= 3;
  const trsaeInMonth1 = (e: CountedEvent) => e.related && severe(e) && e.onsetDay <= (addOffset(firstInfusion.get(e.patient) as string, { value: 1, unit: 'mo' }) ?? '');
  return [
    subjectsGroup('subjects-treated', 'Subjects with at least one study infusion', treated, strata),
    eventGroup('infusion-related-ae-10d', 'Adverse events related to a study infusion, onset within 10 days after it', events.filter((e) => e.related && e.within10Days), strata),
    eventGroup('infusion-related-sae-10d', 'Adverse events of grade 3 or more related to a study infusion, onset within 10 days after it', events.filter((e) => e.related && e.within10Days && severe(e)), strata),
    eventGroup('trsae', 'Treatment-related severe adverse events (grade 3 or more, related to a study infusion)', events.filter((e) => e.related && severe(e)), strata),
    eventGroup('sae-not-related', 'Serious adverse events not related to a study infusion', events.filter((e) => e.serious && !e.related), strata),
    subjectShareGroup('subjects-with-sae', 'Subjects with at least one serious adverse event, of the treated subjects', treated, events.filter((e) => e.serious), strata),
    subjectShareGroup('subjects-with-trsae-month-1', 'Subjects with a treatment-related severe adverse event within one month after the first infusion', treated, events.filter(trsaeInMonth1), strata),
  ];
}

function subjectsGroup(code: string, display: string, patients: string[], strata: ArmStrata): GroupFigures {
  const stratifiers = strata.stratifier((arm) => [{ code: 'initial-population', count: patients.filter((p) => strata.armOf(p) === arm).length }]);
  return { code, display, populations: [{ code: 'initial-population', count: patients.length }], stratifiers };
}

function eventGroup(code: string, display: string, events: CountedEvent[], strata: ArmStrata): GroupFigures {
  const members = (list: CountedEvent[]) => list.map((e) => `AdverseEvent/${e.id}`);
  const byGrade: StratifierFigures = {
    code: 'ctcae-grade',
    strata: GRADES.map((grade) => {
      const inGrade = events.filter((e) => String(e.grade) === grade);
      return { value: grade, populations: [{ code: 'initial-population', count: inGrade.length, members: members(inGrade) }] };
    }),
  };
  const byArm = strata.stratifier((arm) => {
    const inArm = events.filter((e) => strata.armOf(e.patient) === arm);
    return [{ code: 'initial-population', count: inArm.length, members: members(inArm) }];
  });
  return { code, display, populations: [{ code: 'initial-population', count: events.length, members: members(events) }], stratifiers: [byGrade, ...byArm] };
}

/** Treated subjects with at least one of `events`, as a share of the treated subjects; the events are listed. */
function subjectShareGroup(code: string, display: string, treated: string[], events: CountedEvent[], strata: ArmStrata): GroupFigures {
  const figures = (patients: string[]) => {
    const inGroup = new Set(patients);
    const counted = events.filter((e) => inGroup.has(e.patient));
    const numerator = new Set(counted.map((e) => e.patient)).size;
    return {
      populations: [
        { code: 'denominator' as const, count: patients.length },
        { code: 'numerator' as const, count: numerator, members: counted.map((e) => `AdverseEvent/${e.id}`) },
      ],
      score: proportion(numerator, patients.length),
    };
  };
  const byArm = strata.stratifier((arm) => figures(treated.filter((p) => strata.armOf(p) === arm)));
  return { code, display, ...figures(treated), stratifiers: byArm };
}
