import type { EventPlan } from './adverse-events';
import { cohortGroups } from './allocation';
import { addDays, daysBetween, type Day } from './calendar';
import { type DemoArm, DemoDesignError, type TrialDesign } from './design';
import { type EarlyReaction, earlyReactionEvents, seriousUnrelatedEvents } from './published-events';
import { FOLLOW_UP_DAYS, PUBLISHED_FIGURES, SERIOUS_EVENTS_PER_SUBJECT } from './published-figures';
import { forkPrng, type Prng } from './prng';
import { REGISTRATION_DAYS_BEFORE_M0 } from './schedule-defaults';

/** One subject of the published-results dataset: who, which cohort, when infused, how long followed, what happened. */
export interface PublishedSubject {
  /** 1-based, in order of infusion. */
  readonly number: number;
  /** "P07": keys the subject's resources apart from npm run load:demo's subject "07" of the same trial. */
  readonly label: string;
  readonly arm: DemoArm;
  readonly gender: 'female' | 'male';
  readonly infusion: Day;
  readonly followUpDays: number;
  /** The end of follow-up: ResearchSubject.period.end. */
  readonly end: Day;
  readonly events: readonly EventPlan[];
}

/**
 * The pause before the next dose cohort, as a weight against an ordinary gap between two infusions: the
 * higher dose is given only once the lower one has been judged safe. Dataset assumption.
 */
const COHORT_PAUSE_WEIGHT = 3;

/**
 * Infusion days from the first (a week after the first enrolment, 2014-03-24) to the last (2020-01-06),
 * in order of entry: gaps of random weight, scaled to the published span and rounded cumulatively so the
 * last day is exact, with a longer pause before each new cohort.
 */
function infusionDays(count: number, cohortStarts: ReadonlySet<number>, prng: Prng): Day[] {
  const first = addDays(PUBLISHED_FIGURES.enrolmentFrom, REGISTRATION_DAYS_BEFORE_M0);
  const span = daysBetween(first, PUBLISHED_FIGURES.enrolmentTo);
  const weights = Array.from({ length: count - 1 }, (_, i) => prng.real(0.6, 1.4, 2) + (cohortStarts.has(i + 1) ? COHORT_PAUSE_WEIGHT : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return [first, ...weights.map((w) => addDays(first, Math.round(((sum += w) / total) * span)))];
}

/** The subject indices (0-based) in a random order: the draw of who gets which sex, follow-up and events. */
function drawOrder(count: number, prng: Prng): number[] {
  return prng.shuffle(Array.from({ length: count }, (_, i) => i));
}

/**
 * The 20 subjects of NCT02213705's published results, from the trial's design (its dose cohorts, filled
 * in order of increasing dose as the paper says) and a seed. Which subjects are women, which follow-up
 * each gets, who had the two early reactions and who the 36 serious events, are drawn; the counts are
 * the published ones.
 */
export function publishedSubjects(design: TrialDesign, seed: number): PublishedSubject[] {
  const cohorts = cohortGroups(design);
  const arms = cohorts.flat();
  if (arms.length !== PUBLISHED_FIGURES.participants) {
    throw new DemoDesignError(`${design.nctId}: the cohorts hold ${arms.length} subjects, the published results ${PUBLISHED_FIGURES.participants}`);
  }
  const prng = (part: string): Prng => forkPrng(seed, design.nctId, 'published', part);
  const cohortStarts = new Set<number>();
  let start = 0;
  for (const cohort of cohorts) {
    if (start > 0) cohortStarts.add(start);
    start += cohort.length;
  }
  const days = infusionDays(arms.length, cohortStarts, prng('infusions'));
  const women = new Set(drawOrder(arms.length, prng('sex')).slice(0, PUBLISHED_FIGURES.women));
  const followUp = prng('follow-up').shuffle(FOLLOW_UP_DAYS);
  const [flushing, nauseaAndAsthenia] = drawOrder(arms.length, prng('early-reactions'));
  const early = new Map<number, EarlyReaction>([
    [flushing, 'flushing'],
    [nauseaAndAsthenia, 'nausea-and-asthenia'],
  ]);
  const serious = new Map(drawOrder(arms.length, prng('serious')).slice(0, SERIOUS_EVENTS_PER_SUBJECT.length).map((index, i) => [index, SERIOUS_EVENTS_PER_SUBJECT[i]]));
  return arms.map((arm, i): PublishedSubject => {
    const events = prng(`events/${i + 1}`);
    const reaction = early.get(i);
    return {
      number: i + 1,
      label: `P${String(i + 1).padStart(2, '0')}`,
      arm,
      gender: women.has(i) ? 'female' : 'male',
      infusion: days[i],
      followUpDays: followUp[i],
      end: addDays(days[i], followUp[i]),
      events: [
        ...(reaction ? earlyReactionEvents(reaction, days[i], events) : []),
        ...seriousUnrelatedEvents(serious.get(i) ?? 0, days[i], followUp[i], events),
      ],
    };
  });
}
