import { addOffset, DEFAULT_WINDOW_TOLERANCE_DAYS, daysBetween } from '../protocol/visit-window';

/** One dated value of a subject: a score, a dose, BILAG organ grades... */
export interface Dated<T> {
  day: string;
  value: T;
}

/** How far before the first infusion a measurement still counts as the M0 (baseline) value. */
export const BASELINE_LOOKBACK_DAYS = 90;

/**
 * Visits of the efficacy outcomes, in months after the subject's first infusion (the index visit, M0).
 * The seeds give those visits no window, so a value counts for a visit within the same tolerance the
 * infusion checks use (visit-window.ts: two weeks either side), and the one nearest the planned day wins.
 */
export function visitDay(firstInfusion: string, month: number): string {
  return addOffset(firstInfusion, { value: month, unit: 'mo' }) as string;
}

/** The M0 value: the latest on or before the first infusion day, at most BASELINE_LOOKBACK_DAYS before it. */
export function baselineOf<T>(series: readonly Dated<T>[], firstInfusion: string): T | undefined {
  let best: Dated<T> | undefined;
  for (const point of series) {
    const before = daysBetween(point.day, firstInfusion);
    if (before < 0 || before > BASELINE_LOOKBACK_DAYS) continue;
    if (!best || point.day > best.day) best = point;
  }
  return best?.value;
}

/** The value at month `month` (> 0): the nearest to the planned day within the window, the later one on a tie. */
export function valueAtVisit<T>(series: readonly Dated<T>[], firstInfusion: string, month: number): T | undefined {
  const planned = visitDay(firstInfusion, month);
  let best: { distance: number; point: Dated<T> } | undefined;
  for (const point of series) {
    const distance = Math.abs(daysBetween(planned, point.day));
    if (distance > DEFAULT_WINDOW_TOLERANCE_DAYS) continue;
    if (!best || distance < best.distance || (distance === best.distance && point.day > best.point.day)) best = { distance, point };
  }
  return best?.point.value;
}

/** Whether the visit's window has closed by the cut-off, so a value it lacks is missing rather than not due. */
export function visitIsDue(firstInfusion: string, month: number, asOf: string): boolean {
  return daysBetween(visitDay(firstInfusion, month), asOf) >= DEFAULT_WINDOW_TOLERANCE_DAYS;
}

/** Each patient's dated values up to the cut-off day, oldest first. */
export function seriesByPatient<T>(records: readonly { patient?: string; day?: string; value?: T }[], asOf: string): Map<string, Dated<T>[]> {
  const series = new Map<string, Dated<T>[]>();
  for (const r of records) {
    if (!r.patient || !r.day || r.day > asOf || r.value === undefined) continue;
    const list = series.get(r.patient) ?? [];
    list.push({ day: r.day, value: r.value });
    series.set(r.patient, list);
  }
  for (const list of series.values()) list.sort((a, b) => a.day.localeCompare(b.day));
  return series;
}
