import type { GroupCharacteristic } from '@medplum/fhirtypes';
import { CRITERION_LOOKBACK_URL } from './criteria';

/** Without a criterion-lookback extension or a period, an Observation counts for 90 days. */
export const DEFAULT_LOOKBACK_DAYS = 90;

/** The days an Observation may be dated in, inclusive (YYYY-MM-DD). */
export interface DateWindow {
  from: string;
  to: string;
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** `date` (YYYY-MM-DD) moved back by `amount` of a UCUM calendar unit, or undefined for another unit. */
function backBy(date: string, amount: number, unit: string): string | undefined {
  const d = new Date(`${date}T00:00:00Z`);
  if (unit === 'd') d.setUTCDate(d.getUTCDate() - amount);
  else if (unit === 'wk') d.setUTCDate(d.getUTCDate() - 7 * amount);
  else if (unit === 'mo') d.setUTCMonth(d.getUTCMonth() - amount);
  else if (unit === 'a') d.setUTCFullYear(d.getUTCFullYear() - amount);
  else return undefined;
  return day(d);
}

/**
 * Where the Observations for `c` may come from, up to `date`: the characteristic's period (R4: the
 * period over which it is tested) when it has one, else its criterion-lookback (d, wk, mo or a),
 * else 90 days. A string explains a lookback that cannot be read.
 */
export function observationWindow(c: GroupCharacteristic, date: string): DateWindow | string {
  if (c.period) {
    const end = c.period.end && c.period.end.slice(0, 10) < date ? c.period.end.slice(0, 10) : date;
    return { from: c.period.start?.slice(0, 10) ?? '0000-01-01', to: end };
  }
  const lookback = c.extension?.find((e) => e.url === CRITERION_LOOKBACK_URL)?.valueDuration;
  if (!lookback) return { from: backBy(date, DEFAULT_LOOKBACK_DAYS, 'd') as string, to: date };
  const unit = lookback.code ?? lookback.unit ?? '';
  const from = lookback.value === undefined ? undefined : backBy(date, lookback.value, unit);
  return from === undefined ? `the criterion's lookback (${lookback.value} ${unit}) is not in d, wk, mo or a` : { from, to: date };
}
