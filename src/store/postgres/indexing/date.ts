import type { TypedValue } from '@medplum/core';
import { InvalidSearchError } from '../../repository';
import type { IndexType } from './index-type';

/** [low, high): the instants a date of some precision covers; high is exclusive. */
export interface DateRange {
  low: string;
  high: string;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The range a FHIR date, dateTime or instant covers at its precision: "2024" is all of 2024,
 * "2024-03-01T10:00" the whole minute. A value without a time zone is read as UTC.
 */
export function dateRange(value: string): DateRange | undefined {
  const m = DATE.exec(value);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (h !== undefined && mi === undefined) {
    return undefined;
  }
  const offsetMs = zoneOffsetMs(zone);
  const start = Date.UTC(+y, mo ? +mo - 1 : 0, d ? +d : 1, h ? +h : 0, mi ? +mi : 0, s ? +s : 0) - offsetMs;
  let end: number;
  if (!mo) end = Date.UTC(+y + 1, 0, 1) - offsetMs;
  else if (!d) end = Date.UTC(+y, +mo, 1) - offsetMs;
  else if (h === undefined) end = Date.UTC(+y, +mo - 1, +d + 1) - offsetMs;
  else if (s === undefined) end = start + 60_000;
  else if (!frac) end = start + 1000;
  else {
    const digits = Math.min(frac.length - 1, 3);
    const ms = Math.floor(Number(frac) * 1000);
    return { low: iso(start + ms), high: iso(start + ms + 10 ** (3 - digits)) };
  }
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return undefined;
  }
  return { low: iso(start), high: iso(end) };
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') {
    return 0;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hours, minutes] = zone.slice(1).split(':').map(Number);
  return sign * (hours * 60 + minutes) * 60_000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Date: date, dateTime, instant, Period and Timing values; prefixes eq ne gt lt ge le sa eb ap. */
export const dateIndex: IndexType = {
  table: 'idx_date',
  columns: ['low', 'high'],
  columnTypes: { low: 'timestamptz', high: 'timestamptz' },
  sortKey: { asc: 'min(i.low)', desc: 'max(i.high)', type: 'timestamptz' },
  tabulated: `to_char(COALESCE(i.low, i.high) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  extract(values) {
    return values.flatMap(rangesOf).map((r) => [r.low, r.high]);
  },
  match(_filter, { prefix, value }, params) {
    const range = dateRange(value);
    if (!range) {
      throw new InvalidSearchError(`"${value}" is not a valid date or dateTime`);
    }
    const low = params.lazy(range.low, '::timestamptz');
    const high = params.lazy(range.high, '::timestamptz');
    const within = () => `(i.low >= ${low()} AND i.high <= ${high()})`;
    switch (prefix ?? 'eq') {
      case 'eq':
        return within();
      case 'ne':
        return `NOT ${within()}`;
      case 'gt':
        return `i.high > ${high()}`;
      case 'lt':
        return `i.low < ${low()}`;
      case 'ge':
        return `(i.high > ${high()} OR ${within()})`;
      case 'le':
        return `(i.low < ${low()} OR ${within()})`;
      case 'sa':
        return `i.low >= ${high()}`;
      case 'eb':
        return `i.high <= ${low()}`;
      case 'ap': {
        const near = approximately(range);
        return `(i.low < ${params.add(near.high)}::timestamptz AND i.high > ${params.add(near.low)}::timestamptz)`;
      }
      default:
        throw new InvalidSearchError(`Prefix "${prefix}" is not supported on dates`);
    }
  },
};

/**
 * R4 leaves "approximately" to the server; like HAPI, the range is widened by 10 % of its distance
 * from now, so ap2024-01-01 is loose for an old date and tight for today.
 */
function approximately(range: DateRange): DateRange {
  const low = Date.parse(range.low);
  const high = Date.parse(range.high);
  const now = Date.now();
  const margin = 0.1 * Math.max(Math.abs(now - low), Math.abs(now - high));
  return { low: iso(low - margin), high: iso(high + margin) };
}

const FAR_PAST = '0001-01-01T00:00:00.000Z';
const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

function rangesOf({ type, value }: TypedValue): DateRange[] {
  switch (type) {
    case 'date':
    case 'dateTime':
    case 'instant': {
      const range = typeof value === 'string' ? dateRange(value) : undefined;
      return range ? [range] : [];
    }
    case 'Period': {
      const period = value as { start?: string; end?: string };
      const start = period.start ? dateRange(period.start) : undefined;
      const end = period.end ? dateRange(period.end) : undefined;
      return start || end ? [{ low: start?.low ?? FAR_PAST, high: end?.high ?? FAR_FUTURE }] : [];
    }
    case 'Timing': {
      const events = ((value as { event?: string[] }).event ?? []).map(dateRange).filter((r) => r !== undefined);
      return events.length === 0 ? [] : [{ low: events.map((e) => e.low).sort()[0], high: events.map((e) => e.high).sort().at(-1) as string }];
    }
    default:
      return [];
  }
}
