import { describe as statistics } from '../../../../src/trial/measures/statistics';
import { baselineOf, valueAtVisit, visitIsDue } from '../../../../src/trial/measures/visit-values';

const FIRST = '2024-01-31';

describe('values at the efficacy visits', () => {
  it('when measured on the first infusion day and before it, then M0 is the latest, within 90 days before', () => {
    expect(baselineOf([{ day: '2023-12-01', value: 1 }, { day: FIRST, value: 2 }, { day: '2024-02-01', value: 3 }], FIRST)).toBe(2);
    expect(baselineOf([{ day: '2023-11-02', value: 1 }], FIRST)).toBe(1);
    expect(baselineOf([{ day: '2023-11-01', value: 1 }], FIRST)).toBeUndefined();
  });

  it('when values lie around month 1 (calendar, 29 Feb 2024), then the nearest within 14 days counts, the later on a tie', () => {
    const series = [{ day: '2024-02-14', value: 1 }, { day: '2024-03-14', value: 2 }];
    expect(valueAtVisit(series, FIRST, 1)).toBe(2);
    expect(valueAtVisit([{ day: '2024-02-15', value: 1 }, { day: '2024-03-14', value: 2 }], FIRST, 1)).toBe(2);
    expect(valueAtVisit([{ day: '2024-02-15', value: 1 }], FIRST, 1)).toBe(1);
    expect(valueAtVisit([{ day: '2024-03-15', value: 2 }], FIRST, 1)).toBeUndefined();
  });

  it('when the cut-off is before the end of the visit window, then the visit is not due yet', () => {
    expect(visitIsDue(FIRST, 1, '2024-03-13')).toBe(false);
    expect(visitIsDue(FIRST, 1, '2024-03-14')).toBe(true);
  });

  it('when values are summarized, then n, mean, sample SD and median; SD needs two values', () => {
    expect(statistics([1, 2, 3, 10])).toEqual({ n: 4, mean: 4, sd: Math.sqrt(((9 + 4 + 1 + 36) / 3)), median: 2.5 });
    expect(statistics([5])).toEqual({ n: 1, mean: 5, median: 5 });
    expect(statistics([])).toEqual({ n: 0 });
  });
});
