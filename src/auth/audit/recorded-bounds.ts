import type { InstantBound } from '../../store/audit-log';
import { InvalidSearchError, type SearchValue } from '../../store/repository';

/** `2026`, `2026-12`, `2026-12-02`, or a dateTime with seconds or a time zone (FHIR date search values). */
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The bounds on `recorded` a date search value sets, by the R4 search rules: a value stands for the
 * range its precision covers (`2026-12-02` is that whole day, in UTC when it has no zone), and the
 * prefix compares that range. One value per date condition: the audit log ANDs its bounds.
 */
export function recordedBounds(values: readonly SearchValue[]): InstantBound[] {
  if (values.length !== 1) throw new InvalidSearchError('AuditEvent search: give one value per date condition (repeat the parameter to AND them)');
  const [{ prefix = 'eq', value }] = values;
  const [start, end] = rangeOf(value);
  switch (prefix) {
    case 'eq':
      return [{ comparator: 'ge', instant: start }, { comparator: 'lt', instant: end }];
    case 'ge':
      return [{ comparator: 'ge', instant: start }];
    case 'gt':
    case 'sa':
      return [{ comparator: 'ge', instant: end }];
    case 'le':
      return [{ comparator: 'lt', instant: end }];
    case 'lt':
    case 'eb':
      return [{ comparator: 'lt', instant: start }];
    default:
      throw new InvalidSearchError(`AuditEvent search: the date prefix ${prefix} is not supported`);
  }
}

/** [start, end) of the range a FHIR date value covers, as ISO instants. */
function rangeOf(value: string): [string, string] {
  const match = DATE.exec(value);
  if (!match) throw new InvalidSearchError(`AuditEvent search: ${value} is not a date`);
  const [, year, month, day, hour, minute, second, zone] = match;
  const offsetMs = zone && zone !== 'Z' ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000 : 0;
  const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo, d, h, mi, s) - offsetMs;
  const y = Number(year);
  const mo = month ? Number(month) - 1 : 0;
  const d = day ? Number(day) : 1;
  let start: number;
  let end: number;
  if (!month) [start, end] = [utc(y, 0, 1), utc(y + 1, 0, 1)];
  else if (!day) [start, end] = [utc(y, mo, 1), utc(y, mo + 1, 1)];
  else if (!hour) [start, end] = [utc(y, mo, d), utc(y, mo, d + 1)];
  else if (!second) [start, end] = [utc(y, mo, d, Number(hour), Number(minute)), utc(y, mo, d, Number(hour), Number(minute) + 1)];
  else [start, end] = [utc(y, mo, d, Number(hour), Number(minute), Number(second)), utc(y, mo, d, Number(hour), Number(minute), Number(second) + 1)];
  return [new Date(start).toISOString(), new Date(end).toISOString()];
}
