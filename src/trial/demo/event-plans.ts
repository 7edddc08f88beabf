import type { EventPlan, Grade, Relatedness } from './adverse-events';
import { TERMS } from './adverse-events';
import { addDays, daysBetween, type Day } from './calendar';
import type { Prng } from './prng';

/**
 * How often the fictional events happen: demo assumptions, loosely shaped by seed 004 (a few mild
 * infusion-related events such as flushing, nausea and asthenia; unrelated events during follow-up).
 */
const MILD_INFUSION_EVENT = 0.3;
const SEVERE_INFUSION_REACTION = 0.05;
const FOLLOW_UP_EVENT = 0.3;

const MILD_TERMS = [TERMS.flushing, TERMS.nausea, TERMS.headache, TERMS.pyrexia, TERMS.chills, TERMS.asthenia];
const FOLLOW_UP_TERMS = [TERMS.uri, TERMS.uri, TERMS.uti, TERMS.diarrhoea, TERMS.fatigue, TERMS.pneumonia];

/** Events on the day of an infusion: perhaps a mild related one, rarely a severe infusion reaction (a TRSAE). */
export function infusionEvents(prng: Prng, day: Day): EventPlan[] {
  const out: EventPlan[] = [];
  if (prng.chance(MILD_INFUSION_EVENT)) {
    out.push({
      term: prng.pick(MILD_TERMS),
      grade: prng.pick<Grade>([1, 1, 2]),
      relatedness: prng.pick<Relatedness>(['related', 'possibly']),
      onset: day,
      lastsDays: prng.int(0, 3),
      hospitalized: false,
      expected: true,
    });
  }
  if (prng.chance(SEVERE_INFUSION_REACTION)) {
    out.push({ term: TERMS.infusionReaction, grade: 3, relatedness: 'related', onset: day, lastsDays: prng.int(2, 7), hospitalized: true, expected: false });
  }
  return out;
}

/** Perhaps one event between two visits, not or unlikely related; pneumonia is grade 3 and serious. */
export function followUpEvents(prng: Prng, from: Day, to: Day): EventPlan[] {
  const span = daysBetween(from, to);
  if (span < 3 || !prng.chance(FOLLOW_UP_EVENT)) return [];
  const term = prng.pick(FOLLOW_UP_TERMS);
  const severe = term === TERMS.pneumonia;
  return [
    {
      term,
      grade: severe ? 3 : prng.pick<Grade>([1, 2]),
      relatedness: prng.pick<Relatedness>(['not-related', 'not-related', 'unlikely']),
      onset: addDays(from, prng.int(1, span - 1)),
      lastsDays: prng.int(3, 21),
      hospitalized: severe,
      expected: false,
    },
  ];
}

/** A treatment-related adverse event of grade 3 or more (DOMAIN.md's TRSAE). */
export function isTrsae(plan: EventPlan): boolean {
  return plan.grade >= 3 && (plan.relatedness === 'related' || plan.relatedness === 'possibly');
}
