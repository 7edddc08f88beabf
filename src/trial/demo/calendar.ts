/**
 * Dates of the demo calendar, in UTC and computed from fixed anchors only (never the clock), so a seed
 * always gives the same dates. A day is 'YYYY-MM-DD'.
 */
export type Day = string;

function parse(day: Day): Date {
  return new Date(`${day}T00:00:00Z`);
}

function format(date: Date): Day {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  const date = parse(day);
  date.setUTCDate(date.getUTCDate() + days);
  return format(date);
}

/** Calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: Day, months: number): Day {
  const date = parse(day);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return format(target);
}

/** A ClinicalTrials.gov partial date (YYYY or YYYY-MM) as its first day. */
export function fromPartialDate(value: string): Day {
  if (/^\d{4}$/.test(value)) return `${value}-01-01`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01`;
  return value.slice(0, 10);
}

/** A time on that day, as a FHIR instant in UTC. */
export function at(day: Day, time: string): string {
  return `${day}T${time}:00Z`;
}

export function isAfter(a: Day, b: Day): boolean {
  return a > b;
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / 86_400_000);
}
