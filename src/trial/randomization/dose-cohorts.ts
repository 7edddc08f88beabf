import type { ResearchStudyArm } from '@medplum/fhirtypes';
import { errors } from '../../fhir/outcomes';
import { dosePerKgOf } from '../protocol/study-arms';

export const COHORT_SIZE_EXTENSION = 'https://stroma-fhir.org/fhir/StructureDefinition/cohort-size';

/** One dose cohort of a dose-escalation study: an arm with its dose per kg and, when stated, its size. */
export interface DoseCohort {
  arm: string;
  dosePerKg: number;
  size?: number;
}

/**
 * The study's dose cohorts in the order they fill: by increasing dose per kg (an escalation), arms of
 * one dose in the study's order. Undefined unless every arm is an experimental arm with a dose per kg
 * and there are at least two of them.
 */
export function readDoseCohorts(arms: readonly ResearchStudyArm[]): DoseCohort[] | undefined {
  const cohorts = arms.map((arm) => ({ arm, dosePerKg: dosePerKgOf(arm) }));
  if (cohorts.length < 2 || cohorts.some((c) => c.dosePerKg === undefined)) return undefined;
  return cohorts
    .map(({ arm, dosePerKg }) => {
      const size = arm.extension?.find((e) => e.url === COHORT_SIZE_EXTENSION)?.valuePositiveInt;
      return { arm: arm.name, dosePerKg: dosePerKg as number, ...(size ? { size } : {}) };
    })
    .sort((a, b) => a.dosePerKg - b.dosePerKg);
}

/**
 * The cohort the next subject joins, given the arms of the subjects assigned so far (in order) and the
 * cohort the investigators ask to escalate to, if any. Cohorts fill in order: the current cohort (the
 * last one opened) until it is full; a cohort without a size until the investigators name the next one.
 * Going back to an earlier cohort, skipping one, or passing a full last cohort is refused (409).
 */
export function nextCohort(cohorts: readonly DoseCohort[], assigned: readonly string[], requested?: string): DoseCohort {
  const index = (arm: string) => cohorts.findIndex((c) => c.arm === arm);
  let current = assigned.reduce((last, arm) => Math.max(last, index(arm)), 0);
  const filled = (i: number) => assigned.filter((arm) => arm === cohorts[i].arm).length;
  const isFull = (i: number) => cohorts[i].size !== undefined && filled(i) >= (cohorts[i].size as number);
  if (requested !== undefined) {
    const wanted = index(requested);
    if (wanted < 0) throw errors.invalid(`"${requested}" is not a dose cohort (arm) of the study`, "Parameters.parameter.where(name='cohort')");
    if (wanted < current) throw errors.conflict(`cohorts fill in order: "${requested}" is closed, since "${cohorts[current].arm}" has opened`);
    if (wanted > current + 1) throw errors.conflict(`cohorts fill in order: "${requested}" cannot open before "${cohorts[current + 1].arm}"`);
    if (wanted === current + 1 && !isFull(current) && cohorts[current].size !== undefined) {
      throw errors.conflict(`cohorts fill in order: "${cohorts[current].arm}" has ${filled(current)} of its ${cohorts[current].size} subjects`);
    }
    current = wanted;
  }
  while (isFull(current)) {
    if (current + 1 >= cohorts.length) throw errors.conflict(`every dose cohort is full (the last, "${cohorts[current].arm}", has its ${cohorts[current].size} subjects)`);
    current += 1;
  }
  return cohorts[current];
}
