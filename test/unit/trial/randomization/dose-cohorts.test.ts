import type { ResearchStudy } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { type DoseCohort, nextCohort, readDoseCohorts } from '../../../../src/trial/randomization/dose-cohorts';
import { seedTrials } from '../demo/demo-fixture';

const studyOf = (nctId: string): ResearchStudy =>
  seedTrials().get(nctId)?.entry?.find((e) => e.resource?.resourceType === 'ResearchStudy')?.resource as ResearchStudy;

/** The message of the OperationOutcomeError fn throws, with its HTTP-facing category. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof OperationOutcomeError) return `${error.category}: ${error.outcome.issue?.[0]?.diagnostics}`;
    throw error;
  }
  throw new Error('not refused');
}

describe('dose cohorts of an open-label dose escalation', () => {
  const farge = readDoseCohorts(studyOf('NCT02213705').arm ?? []) as DoseCohort[];
  const lupus = readDoseCohorts(studyOf('NCT03562065').arm ?? []) as DoseCohort[];
  const [low, middle, high] = lupus.map((c) => c.arm);

  test('when the seed studies are read, then NCT02213705 has 10 at 1 then 10 at 3 x10^6/kg and NCT03562065 1, 2, 4 x10^6/kg without sizes', () => {
    expect(farge.map((c) => [c.dosePerKg, c.size])).toEqual([[1_000_000, 10], [3_000_000, 10]]);
    expect(lupus.map((c) => [c.dosePerKg, c.size])).toEqual([[1_000_000, undefined], [2_000_000, undefined], [4_000_000, undefined]]);
  });

  test('when a randomized study or a single arm is read, then it has no dose cohorts', () => {
    expect(readDoseCohorts(studyOf('NCT04356287').arm ?? [])).toBeUndefined();
    expect(readDoseCohorts((studyOf('NCT02213705').arm ?? []).slice(0, 1))).toBeUndefined();
  });

  test('when sized cohorts fill, then the 11th subject gets the second dose and the 21st is refused', () => {
    const assigned: string[] = [];
    for (let i = 0; i < 20; i++) assigned.push(nextCohort(farge, assigned).arm);
    expect(assigned).toEqual([...Array<string>(10).fill(farge[0].arm), ...Array<string>(10).fill(farge[1].arm)]);
    expect(refusal(() => nextCohort(farge, assigned))).toMatch(/^conflict: every dose cohort is full/);
  });

  test('when the next sized cohort is asked for before the current one is full, then it is refused with the count', () => {
    expect(refusal(() => nextCohort(farge, [farge[0].arm, farge[0].arm, farge[0].arm], farge[1].arm))).toBe(
      'conflict: cohorts fill in order: "Cohort 1: 1 x10^6 MSC/kg" has 3 of its 10 subjects',
    );
  });

  test('when cohorts have no size, then the current one fills until the next is named; skipping or going back is refused', () => {
    expect(nextCohort(lupus, []).arm).toBe(low);
    expect(nextCohort(lupus, [low, low]).arm).toBe(low);
    expect(refusal(() => nextCohort(lupus, [low], high))).toMatch(/^conflict: cohorts fill in order: ".*4 x10\^6.*" cannot open before ".*2 x10\^6/);
    expect(nextCohort(lupus, [low, low], middle).arm).toBe(middle);
    expect(nextCohort(lupus, [low, middle]).arm).toBe(middle);
    expect(refusal(() => nextCohort(lupus, [low, middle], low))).toMatch(/closed, since ".*2 x10\^6.*" has opened/);
    expect(refusal(() => nextCohort(lupus, [], 'No such arm'))).toMatch(/^invalid: "No such arm" is not a dose cohort/);
  });
});
