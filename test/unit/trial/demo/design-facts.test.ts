import type { Bundle, MedicationAdministration, Observation, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import { demoBundle } from '../../../../src/trial/demo';
import { addMonths } from '../../../../src/trial/demo/calendar';
import { byFullUrl, demoKeyOf, demoResources, seedTrials, subjectOf } from './demo-fixture';

const trials = seedTrials();
const DOSE_PER_KG = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';

function generated(nctId: string, seed = 6): Bundle {
  return demoBundle(trials.get(nctId) as Bundle, seed);
}

function armsOf(nctId: string): ResearchStudy['arm'] {
  return (trials.get(nctId)?.entry?.[0].resource as ResearchStudy).arm;
}

function doseOfArm(nctId: string, name: string): number | undefined {
  return armsOf(nctId)?.find((a) => a.name === name)?.extension?.find((e) => e.url === DOSE_PER_KG)?.valueQuantity?.value;
}

/** Each subject's first infusion day, by subject number. */
function firstInfusions(bundle: Bundle): Map<string, string> {
  const days = new Map<string, string>();
  for (const given of demoResources<MedicationAdministration>(bundle, 'MedicationAdministration')) {
    if (demoKeyOf(given).endsWith('/m0/infusion')) days.set(subjectOf(given), (given.effectivePeriod?.start as string).slice(0, 10));
  }
  return days;
}

function count<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describe('demo data shaped by the trial designs', () => {
  test.each([6, 7, 8])('when NCT04356287 is generated (seed %i), then 18 subjects, 6 per arm, each block of 6 balanced 2:2:2', (seed) => {
    const subjects = demoResources<ResearchSubject>(generated('NCT04356287', seed), 'ResearchSubject');
    expect(subjects).toHaveLength(18);
    const armNames = (armsOf('NCT04356287') ?? []).map((a) => a.name);
    expect([...count(subjects.map((s) => s.assignedArm)).entries()].sort()).toEqual(armNames.map((n) => [n, 6]).sort());
    for (let block = 0; block < 3; block++) {
      const inBlock = subjects.slice(block * 6, block * 6 + 6).map((s) => s.assignedArm);
      expect([...count(inBlock).values()]).toEqual([2, 2, 2]);
    }
  });

  test('when NCT04356287 is generated, then each block starts at least a month after the last first infusion of the block before', () => {
    const days = [...firstInfusions(generated('NCT04356287')).entries()].sort().map(([, day]) => day);
    expect(days).toHaveLength(18);
    for (const block of [1, 2]) {
      const lastOfPrevious = days.slice((block - 1) * 6, block * 6).sort().at(-1) as string;
      const firstOfBlock = days.slice(block * 6, block * 6 + 6).sort()[0];
      expect(firstOfBlock >= addMonths(lastOfPrevious, 1)).toBe(true);
    }
  });

  test('when NCT02213705 is generated, then 20 subjects: the first 10 at 1 x10^6 cells/kg, the next 10 at 3 x10^6', () => {
    const subjects = demoResources<ResearchSubject>(generated('NCT02213705'), 'ResearchSubject');
    expect(subjects.map((s) => doseOfArm('NCT02213705', s.assignedArm as string))).toEqual([...Array(10).fill(1e6), ...Array(10).fill(3e6)]);
  });

  test('when NCT03562065 is generated, then 10 subjects in dose cohorts 1, 2 and 4 x10^6 cells/kg, in that order', () => {
    const subjects = demoResources<ResearchSubject>(generated('NCT03562065'), 'ResearchSubject');
    expect(subjects.map((s) => doseOfArm('NCT03562065', s.assignedArm as string))).toEqual([1e6, 1e6, 1e6, 1e6, 2e6, 2e6, 2e6, 4e6, 4e6, 4e6]);
  });

  test.each(['NCT04356287', 'NCT02213705', 'NCT03562065'])('when %s is generated, then each cell dose is dose-per-kg x the weight it cites, and placebo is 0 cells', (nctId) => {
    const bundle = generated(nctId);
    const infusions = demoResources<MedicationAdministration>(bundle, 'MedicationAdministration');
    expect(infusions.length).toBeGreaterThan(0);
    for (const given of infusions) {
      const weight = byFullUrl(bundle, given.supportingInformation?.[0].reference) as Observation;
      expect(weight.code.coding?.[0].code).toBe('29463-7');
      expect(weight.effectiveDateTime as string < (given.effectivePeriod?.start as string)).toBe(true);
      const perKg = given.dosage?.extension?.find((e) => e.url === DOSE_PER_KG)?.valueQuantity?.value;
      const product = given.contained?.[0] as { code?: { text?: string } };
      if (perKg === undefined) {
        expect(given.dosage?.dose?.value).toBe(0);
        expect(product.code?.text).toMatch(/placebo/i);
      } else {
        expect(given.dosage?.dose?.value).toBe(Math.round(perKg * (weight.valueQuantity?.value as number)));
      }
    }
  });

  test('when NCT04356287 is generated, then the one-infusion arm gets cells at M0 and placebo at M3, the placebo arm placebo at both', () => {
    const bundle = generated('NCT04356287');
    const arm = new Map(demoResources<ResearchSubject>(bundle, 'ResearchSubject').map((s) => [subjectOf(s), s.assignedArm as string]));
    const seen = new Set<string>();
    for (const given of demoResources<MedicationAdministration>(bundle, 'MedicationAdministration')) {
      const visit = demoKeyOf(given).split('/')[3];
      const cells = (given.dosage?.dose?.value as number) > 0;
      seen.add(`${arm.get(subjectOf(given))} ${visit} ${cells ? 'cells' : 'placebo'}`);
    }
    expect([...seen].sort()).toEqual(
      ['One infusion of UCMSC m0 cells', 'One infusion of UCMSC m3 placebo', 'Placebo infusions m0 placebo', 'Placebo infusions m3 placebo', 'Two infusions of UCMSC m0 cells', 'Two infusions of UCMSC m3 cells'].sort(),
    );
  });
});
