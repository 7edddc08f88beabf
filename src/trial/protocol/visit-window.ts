/**
 * Visit dates as calendar days (YYYY-MM-DD, UTC): a visit is timed from the index visit (the subject's
 * first infusion) by offsets in UCUM time units, and accepted within a window around that date.
 */

/**
 * STROMA'S ASSUMPTION, not a protocol fact: a visit whose protocol states no window
 * (AcceptableOffsetRangeSoa) is accepted this many days either side of its planned date. NCT04356287's
 * documents give its visits' offsets (M1, M3, M12) but no window; two weeks either side of a monthly
 * visit is a common tolerance in such schedules.
 */
export const DEFAULT_WINDOW_TOLERANCE_DAYS = 14;

/** An offset or window bound in a UCUM time unit: a (year), mo (month), wk, d, h. */
export interface TimeOffset {
  value: number;
  unit: string;
}

const DAY_MS = 86_400_000;

/** The calendar day of a FHIR date or dateTime, in UTC when it carries a time. */
export function dayOf(dateTime: string): string {
  if (dateTime.length <= 10) return dateTime.length === 10 ? dateTime : `${dateTime}-01-01`.slice(0, 10);
  const ms = Date.parse(dateTime);
  return Number.isNaN(ms) ? dateTime.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
}

/** Days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The day `offset` after `day`; months and years by the calendar (31 Jan + 1 mo = 28 or 29 Feb). */
export function addOffset(day: string, offset: TimeOffset): string | undefined {
  const date = new Date(`${day}T00:00:00Z`);
  switch (offset.unit) {
    case 'a':
      return addMonths(date, offset.value * 12);
    case 'mo':
      return addMonths(date, offset.value);
    case 'wk':
      return addDays(date, offset.value * 7);
    case 'd':
      return addDays(date, offset.value);
    case 'h':
      return addDays(date, Math.floor(offset.value / 24));
    default:
      return undefined;
  }
}

function addDays(date: Date, days: number): string {
  return new Date(date.getTime() + Math.round(days) * DAY_MS).toISOString().slice(0, 10);
}

function addMonths(date: Date, months: number): string {
  const whole = Math.trunc(months);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + whole, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  // A fractional month (0.5 mo) counts as 30-day months for its fraction.
  return addDays(target, (months - whole) * 30);
}

/** A visit's accepted dates, and whether the protocol stated them or Stroma's default tolerance did. */
export interface DateWindow {
  target: string;
  from: string;
  to: string;
  stated: boolean;
}

/**
 * The window of a visit timed from `indexDay` through `offsets` (the chain of relatedActions from the
 * index visit, outermost last); `window` is the last link's AcceptableOffsetRangeSoa, when stated.
 */
export function windowOf(indexDay: string, offsets: readonly TimeOffset[], window?: { low: TimeOffset; high: TimeOffset }): DateWindow | undefined {
  let base: string | undefined = indexDay;
  for (const offset of offsets.slice(0, -1)) base = base && addOffset(base, offset);
  const last = offsets[offsets.length - 1];
  if (!base) return undefined;
  if (!last) return { target: base, from: base, to: base, stated: true };
  const target = addOffset(base, last);
  if (!target) return undefined;
  if (window) {
    const from = addOffset(base, window.low);
    const to = addOffset(base, window.high);
    return from && to ? { target, from, to, stated: true } : undefined;
  }
  const tolerance = { value: DEFAULT_WINDOW_TOLERANCE_DAYS, unit: 'd' };
  return { target, from: addOffset(target, { ...tolerance, value: -tolerance.value }) as string, to: addOffset(target, tolerance) as string, stated: false };
}
