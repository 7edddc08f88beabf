/**
 * THE DEMO'S ASSUMPTIONS. Where a trial bundle carries no machine-readable visit schedule (NCT03562065's
 * has none: its seeds give no visit plan), block size or infusion volume, the demo generator falls back on
 * this table, chosen by the condition and
 * the design it reads from the trial's resources (never by NCT number). Each row cites the seed document
 * (../shared/seeds/) it follows; what no seed states is marked "demo assumption". None of this is a fact
 * about a real trial: it only shapes fictional data.
 */

import type { DiseaseKind } from '../protocol/disease';

/** What is measured at a visit: screening/baseline, a short safety check, or the full set. */
export type VisitKind = 'baseline' | 'safety' | 'full';

/** What an infusion visit gives: cells, or placebo (DOMAIN.md: placebo infusions are MedicationAdministrations too). */
export type Product = 'cells' | 'placebo';

export interface VisitPlan {
  /** Short id used in the demo identifiers: "m0", "d10", "m3". */
  readonly id: string;
  readonly title: string;
  readonly months: number;
  readonly days: number;
  readonly kind: VisitKind;
  /** An infusion visit: cells or placebo, per the arm (see infusionPlan in design.ts). */
  readonly infusion: boolean;
  /**
   * What each arm (by name, or "*" for every arm) is infused at this visit, when the study's schedule
   * says; without it, the arm's own count of cell infusions decides (productAt in infusions.ts).
   */
  readonly products?: ReadonlyMap<string, Product>;
}

const visit = (id: string, title: string, months: number, days: number, kind: VisitKind, infusion = false): VisitPlan => ({
  id,
  title,
  months,
  days,
  kind,
  infusion,
});

/**
 * Systemic sclerosis, placebo-controlled: infusions at M0 and M3 (seed 000: "placebo, 1 infusion of
 * UCMSC (M0), or 2 infusions of UCMSC (M0, M3)"), the primary safety outcome at month 1 and the mRss
 * change between M0 and M12 (seed 000 outcome measures).
 */
const SSC_PLACEBO_CONTROLLED: readonly VisitPlan[] = [
  visit('m0', 'Month 0', 0, 0, 'baseline', true),
  visit('m1', 'Month 1', 1, 0, 'full'),
  visit('m3', 'Month 3', 3, 0, 'full', true),
  visit('m12', 'Month 12', 12, 0, 'full'),
];

/**
 * Systemic sclerosis, open single infusion: one infusion, immediate tolerance within the first 10 days,
 * safety over the 24-month follow-up (seed 004, Farge et al. 2022). The M12 visit is a demo assumption
 * (the registry and abstract state no intermediate visit).
 */
const SSC_SINGLE_INFUSION: readonly VisitPlan[] = [
  visit('m0', 'Day 0', 0, 0, 'baseline', true),
  visit('d10', 'Day 10', 0, 10, 'safety'),
  visit('m12', 'Month 12', 12, 0, 'full'),
  visit('m24', 'Month 24', 24, 0, 'full'),
];

/**
 * Lupus: one infusion (seed 003: "1 injection during 30min to 1h"), toxicity at 10 days and month 1,
 * disease activity, quality of life and steroids at months 3, 6, 9 and 12 (seed 003 outcome measures).
 */
const LUPUS_SINGLE_INFUSION: readonly VisitPlan[] = [
  visit('m0', 'Day 0', 0, 0, 'baseline', true),
  visit('d10', 'Day 10', 0, 10, 'safety'),
  visit('m1', 'Month 1', 1, 0, 'safety'),
  visit('m3', 'Month 3', 3, 0, 'full'),
  visit('m6', 'Month 6', 6, 0, 'full'),
  visit('m9', 'Month 9', 9, 0, 'full'),
  visit('m12', 'Month 12', 12, 0, 'full'),
];

/** The visit schedule, when the trial Bundle has no schedule of activities, for a disease and whether the study has a placebo arm. */
export function defaultSchedule(disease: DiseaseKind, placeboControlled: boolean): readonly VisitPlan[] {
  if (disease === 'lupus') return LUPUS_SINGLE_INFUSION;
  return placeboControlled ? SSC_PLACEBO_CONTROLLED : SSC_SINGLE_INFUSION;
}

/**
 * Randomized studies: each block holds this many subjects per arm (seed 000: "blocks of 6 patients ...
 * randomized in a 2:2:2 ratio").
 */
export const SUBJECTS_PER_ARM_PER_BLOCK = 2;

/**
 * A block (or a dose cohort) starts at least this many months after the last first infusion of the one
 * before (seed 000: "the second block will be randomized only in the absence of TRSAE one month after the
 * first infusion of all 6 patients in block one"). Applying it between dose cohorts is a demo assumption.
 */
export const STAGGER_MONTHS = 1;

/** Days between two consecutive first infusions within a block or cohort: demo assumption. */
export const DAYS_BETWEEN_SUBJECTS = { min: 5, max: 21 } as const;

/** Consent and randomization this many days before the first infusion: demo assumption. */
export const CONSENT_DAYS_BEFORE_M0 = 14;
export const REGISTRATION_DAYS_BEFORE_M0 = 7;

/** A study without ResearchStudy.period.start (NCT04356287's record has none) starts here: demo assumption. */
export const DEFAULT_START = '2021-01-04';

/**
 * The infused volume and vehicle when the arm text does not state them (only NCT04356287's does:
 * "50 ml of PlasmaLyte A"): demo assumption.
 */
export const DEFAULT_PRODUCT_VOLUME_ML = 50;
export const DEFAULT_VEHICLE = 'Vehicle not stated (demo assumption)';

/**
 * The data cut-off, so that the demo shows subjects at different points of the lifecycle: data stops on
 * the day the median subject (in order of entry) has its last visit; later visits have not happened
 * yet. Demo assumption.
 */
export const CUTOFF_SUBJECT_QUANTILE = 0.5;
