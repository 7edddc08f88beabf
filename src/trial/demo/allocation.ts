import { addDays, addMonths, type Day } from './calendar';
import type { DemoArm, TrialDesign } from './design';
import type { Prng } from './prng';
import { DAYS_BETWEEN_SUBJECTS, STAGGER_MONTHS } from './schedule-defaults';

/** A subject's place in the trial: number, arm, block (or dose cohort) and the day of the first infusion. */
export interface Allocation {
  /** 1-based, in order of entry. */
  readonly number: number;
  readonly arm: DemoArm;
  /** 1-based block of a randomized study, or dose cohort of an open one. */
  readonly block: number;
  readonly firstInfusion: Day;
}

/**
 * Randomized: successive blocks, each a random permutation of the design's block (2:2:2 for
 * NCT04356287's scheme), so every full block is balanced.
 */
function randomizedGroups(design: TrialDesign, prng: Prng): DemoArm[][] {
  const groups: DemoArm[][] = [];
  for (let start = 0; start < design.targetSize; start += design.block.length) {
    groups.push(prng.shuffle(design.block).slice(0, design.targetSize - start));
  }
  return groups;
}

/**
 * Not randomized: the arms are dose cohorts filled in order of increasing dose (dose escalation: seed 004
 * "the first ten recipients ... 1 x10^6 ... the subsequent ten ... 3 x10^6"), the target split as evenly
 * as it goes, earlier cohorts taking the remainder.
 */
export function cohortGroups(design: TrialDesign): DemoArm[][] {
  const cohorts = [...design.arms].sort((a, b) => a.dosePerKg - b.dosePerKg);
  const base = Math.floor(design.targetSize / cohorts.length);
  const extra = design.targetSize % cohorts.length;
  return cohorts.map((arm, i) => Array.from({ length: base + (i < extra ? 1 : 0) }, () => arm));
}

/**
 * Who gets which arm and when. Within a block subjects follow each other a few days apart; a block
 * starts STAGGER_MONTHS after the last first infusion of the one before.
 */
export function allocate(design: TrialDesign, prng: Prng): Allocation[] {
  const groups = design.randomized ? randomizedGroups(design, prng) : cohortGroups(design);
  const out: Allocation[] = [];
  let day = design.start;
  groups.forEach((group, index) => {
    if (index > 0) day = addDays(addMonths(day, STAGGER_MONTHS), prng.int(0, 7));
    group.forEach((arm, position) => {
      if (position > 0) day = addDays(day, prng.int(DAYS_BETWEEN_SUBJECTS.min, DAYS_BETWEEN_SUBJECTS.max));
      out.push({ number: out.length + 1, arm, block: index + 1, firstInfusion: day });
    });
  });
  return out;
}
