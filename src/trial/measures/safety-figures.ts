import { addOffset, daysBetween } from '../protocol/visit-window';
import { armStratifier, type ArmStrata } from './arm-strata';
import { proportion, type GroupFigures, type PopulationCount, type StratifierFigures } from './measure-report';
import { type EventRecord, indexedDay, type InfusionRecord, infusionDays, type SubjectRecord } from './study-records';

/** An event as the counting rules see it, with what each rule asks of it worked out once. */
interface CountedEvent {
  /** `AdverseEvent/{id}`, as the lists name it. */
  ref: string;
  patient: string;
  arm: string;
  grade?: number;
  serious: boolean;
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
  const { first, byRef } = infusionDays(input.infusions, input.asOf);
  const strata = armStratifier(input.subjects, input.arms);
  const events: CountedEvent[] = [];
  for (const e of input.events) {
    const onsetDay = e.onset && indexedDay(e.onset);
    const firstDay = e.patient ? first.get(e.patient) : undefined;
    if (!e.patient || !onsetDay || !firstDay || onsetDay < firstDay || onsetDay > input.asOf) continue;
    let related = false;
    let within10Days = false;
    for (const ref of e.relatedTo) {
      const day = byRef.get(ref);
      if (day === undefined) continue;
      related = true;
      const after = daysBetween(day, onsetDay);
      if (after >= 0 && after <= INFUSION_WINDOW_DAYS) within10Days = true;
    }
    events.push({ ref: `AdverseEvent/${e.id}`, patient: e.patient, arm: strata.armOf(e.patient), grade: e.grade, serious: e.serious, onsetDay, related, within10Days });
  }
  const severe = (e: CountedEvent) => (e.grade ?? 0) >= 3;
  const monthOne = new Map([...first].map(([patient, day]) => [patient, addOffset(day, { value: 1, unit: 'mo' }) as string]));
  const trsaeInMonth1 = (e: CountedEvent) => e.related && severe(e) && e.onsetDay <= (monthOne.get(e.patient) as string);
  const treated = [...first.keys()];
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

/** The events of a list by a key, in one pass. */
function bucket(events: readonly CountedEvent[], key: (e: CountedEvent) => string): Map<string, CountedEvent[]> {
  const buckets = new Map<string, CountedEvent[]>();
  for (const e of events) {
    const k = key(e);
    const list = buckets.get(k);
    if (list) list.push(e);
    else buckets.set(k, [e]);
  }
  return buckets;
}

const listed = (events: readonly CountedEvent[] = []): PopulationCount[] => [{ code: 'initial-population', count: events.length, members: events.map((e) => e.ref) }];

function subjectsGroup(code: string, display: string, patients: string[], strata: ArmStrata): GroupFigures {
  const byArm = new Map<string, number>();
  for (const p of patients) byArm.set(strata.armOf(p), (byArm.get(strata.armOf(p)) ?? 0) + 1);
  const stratifiers = strata.stratifier((arm) => [{ code: 'initial-population', count: byArm.get(arm) ?? 0 }]);
  return { code, display, populations: [{ code: 'initial-population', count: patients.length }], stratifiers };
}

function eventGroup(code: string, display: string, events: CountedEvent[], strata: ArmStrata): GroupFigures {
  const byGrade = bucket(events, (e) => String(e.grade));
  const gradeStratifier: StratifierFigures = { code: 'ctcae-grade', strata: GRADES.map((grade) => ({ value: grade, populations: listed(byGrade.get(grade)) })) };
  const byArm = bucket(events, (e) => e.arm);
  return { code, display, populations: listed(events), stratifiers: [gradeStratifier, ...strata.stratifier((arm) => listed(byArm.get(arm)))] };
}

/** Treated subjects with at least one of `events`, as a share of the treated subjects; the events are listed. */
function subjectShareGroup(code: string, display: string, treated: string[], events: CountedEvent[], strata: ArmStrata): GroupFigures {
  const figures = (patients: readonly string[], counted: readonly CountedEvent[]) => {
    const numerator = new Set(counted.map((e) => e.patient)).size;
    return {
      populations: [
        { code: 'denominator' as const, count: patients.length },
        { code: 'numerator' as const, count: numerator, members: counted.map((e) => e.ref) },
      ],
      score: proportion(numerator, patients.length),
    };
  };
  const isTreated = new Set(treated);
  const counted = events.filter((e) => isTreated.has(e.patient));
  const eventsByArm = bucket(counted, (e) => e.arm);
  const treatedByArm = new Map<string, string[]>();
  for (const p of treated) {
    const arm = strata.armOf(p);
    const list = treatedByArm.get(arm);
    if (list) list.push(p);
    else treatedByArm.set(arm, [p]);
  }
  const byArm = strata.stratifier((arm) => figures(treatedByArm.get(arm) ?? [], eventsByArm.get(arm) ?? []));
  return { code, display, ...figures(treated, counted), stratifiers: byArm };
}
