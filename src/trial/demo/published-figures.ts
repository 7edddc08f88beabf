import type { Day } from './calendar';

/**
 * The safety figures published for NCT02213705 (seed 004: Farge et al., Lancet Rheumatol 2022;4:e91-e104),
 * which the published-results dataset reproduces subject by subject. Each figure is quoted from the
 * abstract; the tests check the generated resources against these numbers, not against the generator.
 */
export const PUBLISHED_NCT_ID = 'NCT02213705';

export const PUBLISHED_FIGURES = {
  /** "20 cisgender individuals (13 women and seven men) ... were enrolled"; "All 20 patients were included". */
  participants: 20,
  women: 13,
  men: 7,
  /** "Between March 24, 2014, and Jan 6, 2020": the first enrolment and the last infusion. */
  enrolmentFrom: '2014-03-24' as Day,
  enrolmentTo: '2020-01-06' as Day,
  /** "three infusion-related adverse events ... in the first 10 days ... in two patients". */
  infusionRelatedEvents: 3,
  infusionRelatedParticipants: 2,
  earlyWindowDays: 10,
  /** "No infusion-related severe adverse events" and "no treatment-related adverse event" after day 10. */
  infusionRelatedSerious: 0,
  /** "36 non-treatment-related severe adverse events in 14 (70%) patients". */
  seriousUnrelatedEvents: 36,
  seriousUnrelatedParticipants: 14,
  /** "median follow-up of 24·1 months (IQR 20·8-24·5)". */
  followUpMonths: { median: 24.1, q1: 20.8, q3: 24.5 },
} as const;

/**
 * A month of follow-up is a mean Gregorian month (365.25 / 12 days). Follow-up runs from the infusion to
 * the end of the subject's participation (ResearchSubject.period.end).
 */
export const DAYS_PER_MONTH = 365.25 / 12;

/**
 * Every subject's follow-up in days, in increasing order (which subject gets which is drawn). Chosen so
 * that the published median and IQR hold however a reader computes them: the values either side of each
 * quartile's position are equal (the 5th and 6th, the 10th and 11th, the 15th and 16th of 20), so type 7
 * (linear interpolation) and the other usual quantile definitions give the same three values; and 633,
 * 734 and 746 days round to 20.8, 24.1 and 24.5 months with a month of 365.25/12 days or of 365/12 days
 * (counted in calendar months from each infusion, the committed dataset gives them too: a test checks).
 * Subjects followed for less than 24 months left the study early, as the published IQR implies a
 * quarter did.
 */
export const FOLLOW_UP_DAYS: readonly number[] = [402, 487, 561, 610, 633, 633, 668, 702, 725, 734, 734, 737, 740, 743, 746, 746, 749, 752, 758, 771];

/**
 * How the 36 serious unrelated events are spread over the 14 subjects who had one: a few subjects with
 * several (severe diffuse systemic sclerosis, with lung, heart or kidney involvement), most with one or two.
 */
export const SERIOUS_EVENTS_PER_SUBJECT: readonly number[] = [6, 5, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1];

/** The quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7, R's default). */
export function quantile7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
}

/** Days as months of DAYS_PER_MONTH, rounded to one decimal as the paper gives them. */
export function daysToMonths(days: number): number {
  return Math.round((days / DAYS_PER_MONTH) * 10) / 10;
}
