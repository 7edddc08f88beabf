import { type EventPlan, type Grade, type Relatedness, type Term, TERMS } from './adverse-events';
import { addDays, type Day } from './calendar';
import type { Prng } from './prng';

/**
 * The adverse events of the published-results dataset, as plans for adverseEventEntry. Only what the
 * paper reports happens: the three infusion-related events of the first 10 days, and the serious
 * unrelated events after day 10. Nothing else, so that every count of the dataset is a published one.
 */

/** Which of the two patients with infusion-related events (seed 004) a subject is. */
export type EarlyReaction = 'flushing' | 'nausea-and-asthenia';

/** Mild, expected reactions: related (NCIt C53260), non-serious, resolved within days. */
function related(term: Term, grade: Grade, onset: Day, lastsDays: number): EventPlan {
  return { term, grade, relatedness: 'related', onset, lastsDays, hospitalized: false, expected: true };
}

/**
 * "one patient had grade 1 flushing and another patient had grade 1 nausea and grade 2 asthenia": on the
 * day of the infusion or within the next two days, well inside the 10-day window the paper counts.
 */
export function earlyReactionEvents(reaction: EarlyReaction, infusion: Day, prng: Prng): EventPlan[] {
  if (reaction === 'flushing') return [related(TERMS.flushing, 1, infusion, prng.int(0, 1))];
  return [related(TERMS.nausea, 1, infusion, prng.int(0, 2)), related(TERMS.asthenia, 2, addDays(infusion, prng.int(1, 2)), prng.int(3, 7))];
}

/**
 * Serious events of a severe systemic sclerosis population followed for two years: infections, and the
 * disease's heart, lung, kidney and blood complications. Each is a CTCAE v5 term with its MedDRA LLT code
 * (TERMS); pneumonia twice, the most frequent serious infection of the disease.
 */
const SERIOUS_TERMS: readonly Term[] = [
  TERMS.pneumonia,
  TERMS.pneumonia,
  TERMS.uti,
  TERMS.sepsis,
  TERMS.acuteKidneyInjury,
  TERMS.atrialFibrillation,
  TERMS.pericardialEffusion,
  TERMS.dyspnea,
  TERMS.anemia,
];

/** Mostly "not related" (C53256), some "unlikely related" (C53257): DOMAIN.md counts both as not treatment related. */
const UNRELATED: readonly Relatedness[] = ['not-related', 'not-related', 'not-related', 'unlikely'];

/** Grade 3 (severe) or 4 (life threatening), mostly 3. */
const SEVERE: readonly Grade[] = [3, 3, 3, 4];

/** First and last possible onset, in days after the infusion: after the 10-day window, before the end of follow-up. */
export const SERIOUS_ONSET_FROM_DAY = 14;
const SERIOUS_ONSET_BEFORE_END_DAYS = 7;

/**
 * `count` serious adverse events, not treatment related, each with hospitalization (the seriousness
 * criterion), on distinct days between day SERIOUS_ONSET_FROM_DAY after the infusion and a week before
 * the end of the subject's follow-up, in order of onset.
 */
export function seriousUnrelatedEvents(count: number, infusion: Day, followUpDays: number, prng: Prng): EventPlan[] {
  const last = followUpDays - SERIOUS_ONSET_BEFORE_END_DAYS;
  const days = new Set<number>();
  while (days.size < count) days.add(prng.int(SERIOUS_ONSET_FROM_DAY, last));
  return [...days]
    .sort((a, b) => a - b)
    .map((day) => ({
      term: prng.pick(SERIOUS_TERMS),
      grade: prng.pick(SEVERE),
      relatedness: prng.pick(UNRELATED),
      onset: addDays(infusion, day),
      lastsDays: prng.int(4, 21),
      hospitalized: true,
      expected: false,
    }));
}
