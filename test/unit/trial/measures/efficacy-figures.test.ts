import { efficacyFigures, type EfficacyInput } from '../../../../src/trial/measures/efficacy-figures';
import type { GroupFigures } from '../../../../src/trial/measures/measure-report';
import type { Dated } from '../../../../src/trial/measures/visit-values';

const first = new Map([
  ['Patient/a', '2023-01-10'],
  ['Patient/b', '2023-01-10'],
  ['Patient/c', '2023-01-10'],
  ['Patient/late', '2024-06-01'],
]);
const subjects = [...first.keys()].map((patient, i) => ({ id: `s${i}`, patient, arm: i % 2 === 0 ? 'cells' : 'placebo' }));
const series = (entries: Record<string, [string, number][]>) => new Map(Object.entries(entries).map(([p, points]) => [p, points.map(([day, value]): Dated<number> => ({ day, value }))]));
const populations = (g: GroupFigures | undefined) => Object.fromEntries((g?.populations ?? []).map((p) => [p.code, p.count]));
const base = { subjects, firstInfusion: first, asOf: '2024-12-31', arms: ['cells', 'placebo'] } satisfies Partial<EfficacyInput>;

describe('efficacy figures', () => {
  it('when a treated subject lacks its M12 mRSS, then it is counted as missing; one whose M12 is not due yet is not counted', () => {
    const mrss = series({ 'Patient/a': [['2023-01-10', 20], ['2024-01-12', 14]], 'Patient/b': [['2023-01-09', 25], ['2024-01-05', 22]], 'Patient/c': [['2023-01-10', 18]], 'Patient/late': [['2024-06-01', 30]] });
    const [change] = efficacyFigures({ ...base, disease: 'systemic-sclerosis', scores: { mrss } });
    expect(change.code).toBe('mrss-change-m12');
    expect(populations(change)).toEqual({ 'measure-population': 2, 'measure-population-exclusion': 1 });
    expect(change.statistics).toEqual({ n: 2, mean: -4.5, sd: Math.sqrt(4.5), median: -4.5 });
    expect(change.stratifiers[0].strata.map((s) => [s.value, s.statistics?.n])).toEqual([['cells', 1], ['placebo', 1]]);
  });

  it('when arms are hidden, then no group has an arm stratifier', () => {
    const groups = efficacyFigures({ ...base, arms: undefined, disease: 'lupus', scores: {} });
    expect(groups.length).toBe(4 + 5 + 5 + 4);
    expect(groups.every((g) => g.stratifiers.length === 0)).toBe(true);
  });

  it('when lupus subjects lack a BILAG or a prednisone dose, then SRI-4 and steroid sparing count them as missing, not as non-responders', () => {
    const grades = { organ: 'c' };
    const bilag = new Map([['Patient/a', [{ day: '2023-01-10', value: grades }, { day: '2023-04-10', value: grades }]]]);
    const scores = {
      sledai: series({ 'Patient/a': [['2023-01-10', 12], ['2023-04-10', 8]], 'Patient/b': [['2023-01-10', 12], ['2023-04-10', 2]] }),
      physicianGlobal: series({ 'Patient/a': [['2023-01-10', 2], ['2023-04-10', 1]], 'Patient/b': [['2023-01-10', 2], ['2023-04-10', 1]] }),
      prednisone: series({ 'Patient/a': [['2023-01-10', 0.02], ['2023-04-10', 0.015]], 'Patient/b': [['2023-01-10', 0.02], ['2023-04-10', 0.016]] }),
    };
    const groups = efficacyFigures({ ...base, disease: 'lupus', scores, bilagOrgans: bilag });
    const sri = groups.find((g) => g.code === 'sri4-m3');
    expect(populations(sri)).toEqual({ denominator: 1, numerator: 1, 'measure-population-exclusion': 3 });
    expect(sri?.score?.value).toBe(1);
    const sparing = groups.find((g) => g.code === 'steroid-sparing-m3');
    expect(populations(sparing)).toEqual({ denominator: 2, numerator: 1, 'measure-population-exclusion': 2 });
    expect(populations(groups.find((g) => g.code === 'selena-sledai-m0'))).toEqual({ 'measure-population': 2, 'measure-population-exclusion': 2 });
  });
});
