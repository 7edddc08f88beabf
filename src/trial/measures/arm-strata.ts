import type { Figures, PopulationCount, StratifierFigures } from './measure-report';
import type { SubjectRecord } from './study-records';

/** The stratum of participants without an arm (not randomized yet, or never assigned). */
export const NO_ARM = 'no arm';

/**
 * Stratification by arm (or dose cohort: each is an arm of the study). Without arms (a blinded
 * requester in a blinded study) there is no arm stratifier at all, rather than one with hidden values:
 * even the strata's sizes would tell an unblinded count.
 */
export interface ArmStrata {
  armOf(patient: string): string;
  /** The `arm` stratifier, one stratum per arm (and one for no arm when some have none); none when arms are hidden. */
  stratifier(figures: (arm: string) => Figures | PopulationCount[]): StratifierFigures[];
}

export function armStratifier(subjects: readonly SubjectRecord[], arms: readonly string[] | undefined): ArmStrata {
  const byPatient = new Map<string, string>();
  for (const subject of subjects) {
    if (subject.patient && subject.arm && !byPatient.has(subject.patient)) byPatient.set(subject.patient, subject.arm);
  }
  const armOf = (patient: string) => byPatient.get(patient) ?? NO_ARM;
  return {
    armOf,
    stratifier(figures) {
      if (!arms) return [];
      const values = [...arms];
      const extra = [...new Set(byPatient.values())].filter((arm) => !values.includes(arm));
      values.push(...extra, NO_ARM);
      const strata = values.map((value) => {
        const found = figures(value);
        return { value, ...(Array.isArray(found) ? { populations: found } : found) };
      });
      // The "no arm" stratum only when somebody is in it.
      const last = strata[strata.length - 1];
      if (last.populations.every((p) => p.count === 0)) strata.pop();
      return [{ code: 'arm', strata }];
    },
  };
}
