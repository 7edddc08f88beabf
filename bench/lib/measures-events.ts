import type { AdverseEvent, Extension } from '@medplum/fhirtypes';
import { TERMS, type EventPlan, type Grade, type Relatedness, type Term } from '../../src/trial/demo/adverse-events';
import { addDays, daysBetween, type Day } from '../../src/trial/demo/calendar';
import { NCIT } from '../../src/trial/demo/demo-entries';
import type { Prng } from '../../src/trial/demo/prng';

/**
 * The adverse events of one bench subject: a realistic mix for a safety summary to count. Grades 1-5
 * (mostly mild, rarely fatal), related or not, serious or not, a third with onset in the 10 days after
 * an infusion (the window the seed trials' primary endpoints count), the rest spread over the subject's
 * time on study. The demo's EventPlan (grades 1-4) carries each event; a fatal one is built as grade 4
 * and turned into grade 5 by `asFatal`.
 */

export interface BenchEvent {
  plan: EventPlan;
  /** Grade 5: death. At most one per subject, and its last event. */
  fatal: boolean;
  /** Which infusion of the subject it follows (0: M0, 1: M3): the suspect entity. */
  infusion: number;
}

const GRADE_WEIGHTS: readonly [Grade | 5, number][] = [[1, 0.46], [2, 0.32], [3, 0.155], [4, 0.06], [5, 0.005]];
/** Share of serious events (hospitalization) per grade; grade 5 is always serious (death). */
const SERIOUS_SHARE: Readonly<Record<Grade, number>> = { 1: 0, 2: 0.04, 3: 0.45, 4: 0.8 };
const EARLY_SHARE = 0.35;
const EARLY_TERMS: readonly Term[] = [TERMS.flushing, TERMS.nausea, TERMS.headache, TERMS.pyrexia, TERMS.chills, TERMS.infusionReaction];
const LATE_TERMS: readonly Term[] = [TERMS.uri, TERMS.uti, TERMS.diarrhoea, TERMS.fatigue, TERMS.asthenia, TERMS.pneumonia, TERMS.nausea];

function weighted<T>(prng: Prng, choices: readonly [T, number][]): T {
  let r = prng.next() * choices.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of choices) {
    r -= weight;
    if (r < 0) return value;
  }
  return choices[choices.length - 1][0];
}

/**
 * `count` events between the first infusion and `lastDay`, following the infusions given on
 * `infusionDays` (the first one is M0). Sorted by onset; a fatal event, if drawn, is the last.
 */
export function drawEvents(prng: Prng, count: number, infusionDays: readonly Day[], lastDay: Day): BenchEvent[] {
  const events: BenchEvent[] = [];
  const m0 = infusionDays[0];
  const span = Math.max(0, daysBetween(m0, lastDay));
  let fatalDrawn = false;
  for (let n = 0; n < count; n++) {
    const early = prng.chance(EARLY_SHARE);
    let onset: Day;
    if (early) {
      const after = infusionDays[prng.int(0, infusionDays.length - 1)];
      onset = addDays(after, Math.min(prng.int(0, 9), Math.max(0, daysBetween(after, lastDay))));
    } else {
      onset = addDays(m0, prng.int(0, span));
    }
    const drawn = weighted(prng, GRADE_WEIGHTS);
    const fatal: boolean = drawn === 5 && !fatalDrawn;
    fatalDrawn ||= fatal;
    const grade: Grade = drawn === 5 ? 4 : drawn;
    const relatedness: Relatedness = early
      ? weighted(prng, [['related', 0.3], ['possibly', 0.3], ['unlikely', 0.2], ['not-related', 0.2]])
      : weighted(prng, [['related', 0.05], ['possibly', 0.1], ['unlikely', 0.25], ['not-related', 0.6]]);
    const term = prng.pick(early ? EARLY_TERMS : LATE_TERMS);
    const hospitalized = fatal || prng.chance(SERIOUS_SHARE[grade]);
    const plan: EventPlan = { term, grade, relatedness, onset, lastsDays: prng.int(0, 21), hospitalized, expected: early };
    events.push({ plan, fatal, infusion: 0 });
  }
  events.sort((a, b) => (a.plan.onset < b.plan.onset ? -1 : a.plan.onset > b.plan.onset ? 1 : 0));
  // Death comes last: the fatal event takes the latest onset.
  const fatalAt = events.findIndex((e) => e.fatal);
  if (fatalAt >= 0 && fatalAt !== events.length - 1) {
    const last = events[events.length - 1];
    const fatal = events[fatalAt];
    [fatal.plan, last.plan] = [{ ...fatal.plan, onset: last.plan.onset }, { ...last.plan, onset: fatal.plan.onset }];
    events[fatalAt] = last;
    events[events.length - 1] = fatal;
  }
  for (const e of events) e.infusion = infusionDays.filter((d) => d <= e.plan.onset).length - 1;
  return events;
}

/** DOMAIN.md's TRSAE: treatment related (related or possibly) and grade 3 or more. */
export function isTreatmentRelatedSevere(e: BenchEvent): boolean {
  return (e.fatal || e.plan.grade >= 3) && (e.plan.relatedness === 'related' || e.plan.relatedness === 'possibly');
}

const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition';
const R4_OUTCOME = 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome';

/**
 * A grade 4 serious event as built by the demo, made fatal: CTCAE grade 5, seriousness criterion
 * death, outcome fatal, no resolution date.
 */
export function asFatal(event: AdverseEvent): AdverseEvent {
  const extension: Extension[] = (event.extension ?? [])
    .filter((e) => e.url !== `${AE_IG}/resolve-date`)
    .map((e) => {
      if (e.url === `${AE_IG}/ae-grade`) {
        return { url: e.url, valueCodeableConcept: { coding: [{ system: NCIT, code: 'C48275', display: 'Grade 5 Death Related to Adverse Event' }] } };
      }
      if (e.url === `${AE_IG}/seriousness-criteria`) {
        return {
          url: e.url,
          extension: [
            { url: 'criterionCode', valueCodeableConcept: { coding: [{ system: NCIT, code: 'C48275', display: 'Death' }] } },
            { url: 'criterionPresent', valueBoolean: true },
          ],
        };
      }
      return e;
    });
  const outcome = { coding: [{ system: R4_OUTCOME, code: 'fatal', display: 'Fatal' }, { system: NCIT, code: 'C48275', display: 'Fatal' }] };
  return { ...event, extension, outcome };
}
