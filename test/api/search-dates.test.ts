import type { Observation, Resource } from '@medplum/fhirtypes';
import { labelledSearch } from '../helpers/labelled-search';
import { storeName, useTestApp } from '../helpers/test-app';

const observation = (effective: Partial<Observation>): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
  ...effective,
});

/** Dates at every precision, Periods (closed and open) and a Timing, each a range R4 compares as a whole. */
const RESOURCES: Record<string, Resource> = {
  year: observation({ effectiveDateTime: '2023' }),
  month: observation({ effectiveDateTime: '2024-03' }),
  day: observation({ effectiveDateTime: '2024-03-15' }),
  second: observation({ effectiveDateTime: '2024-03-15T10:30:00Z' }),
  period: observation({ effectivePeriod: { start: '2024-01-01', end: '2024-06-30' } }),
  openPeriod: observation({ effectivePeriod: { start: '2025-01-01' } }),
  old: observation({ effectiveDateTime: '1990-06-15' }),
  timing: {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    occurrenceTiming: { event: ['2024-02-10T08:00:00Z', '2024-02-20T08:00:00Z'] },
  },
};

/** [query, the labels it must match exactly]. */
const CASES: [string, string[]][] = [
  // eq: the resource's range lies within the search value's precision range
  ['Observation?date=2024-03-15', ['day', 'second']],
  ['Observation?date=2024-03', ['day', 'month', 'second']],
  ['Observation?date=2024', ['day', 'month', 'period', 'second']],
  ['Observation?date=2024-03-15T10:30', ['second']],
  ['Observation?date=2024-03-15T11:30:00%2B01:00', ['second']],
  ['Observation?date=2024-03-15T10:30:00%2B01:00', []],
  ['Observation?date=ne2024', ['old', 'openPeriod', 'year']],
  // gt/lt: some of the resource's range lies after/before the search range
  ['Observation?date=gt2024-06-30', ['openPeriod']],
  ['Observation?date=lt2023-06-01', ['old', 'year']],
  ['Observation?date=ge2024-06-30', ['openPeriod']],
  ['Observation?date=le2023-12-31', ['old', 'year']],
  // sa/eb: the resource's range starts after / ends before the search range
  ['Observation?date=sa2023', ['day', 'month', 'openPeriod', 'period', 'second']],
  ['Observation?date=eb2024-01-01', ['old', 'year']],
  // ap: 10 % of the distance from now around the value (about 3.6 years for 1990)
  ['Observation?date=ap1990-06-15', ['old']],
  ['Observation?date=ap1990-06-15,ap2023-07-01', ['old', 'year']],
  // a Timing is the span of its events
  ['ServiceRequest?occurrence=2024-02', ['timing']],
  ['ServiceRequest?occurrence=2024-02-10', []],
  ['ServiceRequest?occurrence=ge2024-02-15', ['timing']],
  ['ServiceRequest?occurrence=lt2024-02-01', []],
];

describe(`search by date: precision ranges, prefixes, Period and Timing (${storeName()})`, () => {
  const t = useTestApp();
  const labelsOf = labelledSearch(t, RESOURCES);

  it.each(CASES)('when searching %s, then exactly the expected resources match', async (query, expected) => {
    expect(await labelsOf(query)).toEqual([...expected].sort());
  });
});
