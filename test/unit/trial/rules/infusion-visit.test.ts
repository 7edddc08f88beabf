import type { ResearchSubject } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import type { StudyVisit } from '../../../../src/trial/protocol/visit-schedule';
import { addOffset, dayOf, DEFAULT_WINDOW_TOLERANCE_DAYS, windowOf } from '../../../../src/trial/protocol/visit-window';
import { matchVisit } from '../../../../src/trial/rules/infusion-visit';

const cells = (arms: string[]) => ({ title: 'UCMSC infusion', product: 'cells' as const, conditions: [`%subject.assignedArm in (${arms.map((a) => `'${a}'`).join(' | ')})`] });
const placebo = (arms: string[]) => ({ title: 'Placebo infusion', product: 'placebo' as const, conditions: [`%subject.assignedArm in (${arms.map((a) => `'${a}'`).join(' | ')})`] });

/** NCT04356287's schedule as the protocol reader gives it: M0 (index), M1, M3 with infusions, M12. */
const CARE_SSC: StudyVisit[] = [
  { id: 'm0', title: 'Month 0', offsets: [], infusions: [cells(['Two', 'One']), placebo(['Placebo'])] },
  { id: 'm1', title: 'Month 1', offsets: [{ value: 1, unit: 'mo' }], infusions: [] },
  { id: 'm3', title: 'Month 3', offsets: [{ value: 3, unit: 'mo' }], infusions: [cells(['Two']), placebo(['Placebo', 'One'])] },
  { id: 'm12', title: 'Month 12', offsets: [{ value: 12, unit: 'mo' }], infusions: [] },
];

const subject = (arm: string): ResearchSubject => ({ resourceType: 'ResearchSubject', id: 's1', status: 'on-study', study: {}, individual: {}, assignedArm: arm });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error.outcome.issue?.[0]?.diagnostics ?? '';
    throw error;
  }
  throw new Error('not refused');
}

describe('visit windows', () => {
  test('when a month is added to the 31st, then the last day of the shorter month is taken', () => {
    expect(addOffset('2024-01-31', { value: 1, unit: 'mo' })).toBe('2024-02-29');
    expect(addOffset('2024-01-10', { value: 3, unit: 'mo' })).toBe('2024-04-10');
    expect(addOffset('2024-01-10', { value: 2, unit: 'wk' })).toBe('2024-01-24');
    expect(addOffset('2024-01-10', { value: 1, unit: 'min' })).toBeUndefined();
  });

  test('when the protocol states no window, then Stroma\'s default tolerance applies either side of the planned day', () => {
    expect(DEFAULT_WINDOW_TOLERANCE_DAYS).toBe(14);
    expect(windowOf('2024-01-10', [{ value: 3, unit: 'mo' }])).toEqual({ target: '2024-04-10', from: '2024-03-27', to: '2024-04-24', stated: false });
  });

  test('when the protocol states an AcceptableOffsetRangeSoa, then it is the window', () => {
    const window = { low: { value: 0, unit: 'd' }, high: { value: 10, unit: 'd' } };
    expect(windowOf('2024-01-10', [{ value: 10, unit: 'd' }], window)).toEqual({ target: '2024-01-20', from: '2024-01-10', to: '2024-01-20', stated: true });
  });

  test('when a dateTime carries a time zone, then its day is the UTC day', () => {
    expect(dayOf('2024-01-10T23:30:00-05:00')).toBe('2024-01-11');
    expect(dayOf('2024-01-10')).toBe('2024-01-10');
  });
});

describe('matchVisit', () => {
  test('when it is the first infusion, then it is the index visit and gives the arm\'s M0 product', () => {
    expect(matchVisit(CARE_SSC, subject('One'), '2024-01-10', [])).toMatchObject({ first: true, visit: { id: 'm0' }, infusion: { product: 'cells' } });
    expect(matchVisit(CARE_SSC, subject('Placebo'), '2024-01-10', [])).toMatchObject({ first: true, infusion: { product: 'placebo' } });
  });

  test('when a later infusion is within the M3 window, then M3 gives cells to the two-infusion arm and placebo to the one-infusion arm', () => {
    const others = [{ id: 'a', day: '2024-01-10' }];
    expect(matchVisit(CARE_SSC, subject('Two'), '2024-04-24', others)).toMatchObject({ first: false, visit: { id: 'm3' }, infusion: { product: 'cells' } });
    expect(matchVisit(CARE_SSC, subject('One'), '2024-03-27', others)).toMatchObject({ visit: { id: 'm3' }, infusion: { product: 'placebo' } });
  });

  test('when a later infusion is one day outside the window, then it is refused with the window', () => {
    const message = refusal(() => matchVisit(CARE_SSC, subject('Two'), '2024-04-25', [{ id: 'a', day: '2024-01-10' }]));
    expect(message).toContain('day 106 after the first infusion on 2024-01-10');
    expect(message).toContain('Month 3 from 2024-03-27 to 2024-04-24');
  });

  test('when the visit already has its infusion, then another one in its window is refused', () => {
    const others = [{ id: 'a', day: '2024-01-10' }, { id: 'b', day: '2024-04-08' }];
    expect(refusal(() => matchVisit(CARE_SSC, subject('Two'), '2024-04-12', others))).toContain('already has its infusion: MedicationAdministration/b');
    expect(refusal(() => matchVisit(CARE_SSC, subject('Two'), '2024-01-10', [{ id: 'a', day: '2024-01-10' }]))).toContain('Month 0');
  });

  test('when the arm is not named by any infusion of the index visit, then a first infusion is refused', () => {
    expect(refusal(() => matchVisit(CARE_SSC, subject('Unknown arm'), '2024-01-10', []))).toContain('gives arm "Unknown arm" no infusion');
  });
});
