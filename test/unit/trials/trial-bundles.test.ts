import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle, Extension, PlanDefinition, Resource, ResearchStudy } from '@medplum/fhirtypes';
import { expectedTrialFiles, TRIALS_DIR, trialFileDrift } from '../../../scripts/trials/layout';
import { errorsOf, resourcesOf, studyOf, warningsOf } from '../trial/ctgov/ctgov-fixture';

const STUDY_PROFILE = 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-research-study';
const DOSE_PER_KG = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';
const PROTOCOL_PROFILE = 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-study-protocol';
const SCHEME = 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme';
const NCT_IDS = ['NCT04356287', 'NCT02213705', 'NCT03562065'];

const trial = (nctId: string): Bundle => JSON.parse(readFileSync(path.join(TRIALS_DIR, `${nctId}.json`), 'utf8')) as Bundle;
const dosesOf = (study: ResearchStudy) =>
  (study.arm ?? []).map((arm) => arm.extension?.find((e) => e.url === DOSE_PER_KG)?.valueQuantity?.value);
const part = (extension: Extension | undefined, url: string) => extension?.extension?.filter((e) => e.url === url) ?? [];

describe('bundles/trials', () => {
  const expected = expectedTrialFiles();

  test('when regenerated from bundles/ctgov and bundles/supplements, then every file is up to date (run `npm run trials` if not)', () => {
    expect(trialFileDrift(expected)).toEqual({ missing: [], changed: [], stale: [] });
  });

  test('when a bundle is edited, removed or left over, then the comparison names it', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'stroma-trials-'));
    try {
      cpSync(TRIALS_DIR, copy, { recursive: true });
      writeFileSync(path.join(copy, 'NCT04356287.json'), '{}\n');
      rmSync(path.join(copy, 'NCT02213705.json'));
      writeFileSync(path.join(copy, 'NCT00000001.json'), '{}\n');
      expect(trialFileDrift(expected, copy)).toEqual({ missing: ['NCT02213705.json'], changed: ['NCT04356287.json'], stale: ['NCT00000001.json'] });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test.each(NCT_IDS)('when %s is checked, then every resource is valid and the study meets its profile without warning', (nctId) => {
    const bundle = trial(nctId);
    for (const entry of bundle.entry ?? []) expect(errorsOf(entry.resource as Resource, entry.resource?.meta?.profile)).toEqual([]);
    expect(warningsOf(studyOf(bundle), [STUDY_PROFILE]).filter((w) => w.includes('stroma-'))).toEqual([]);
  });

  test('when NCT02213705 is built, then its one registered arm is the two dose cohorts of the published results, with the primary endpoint', () => {
    const study = studyOf(trial('NCT02213705'));
    expect(study.arm?.map((a) => a.name)).toEqual(['Cohort 1: 1 x10^6 MSC/kg', 'Cohort 2: 3 x10^6 MSC/kg']);
    expect(dosesOf(study)).toEqual([1_000_000, 3_000_000]);
    expect(study.objective).toEqual([expect.objectContaining({ name: 'Immediate tolerance' })]);
  });

  test('when NCT04356287 is built, then it carries its randomization scheme: 3 blocks of 6 at 2:2:2 over its own arms', () => {
    const study = studyOf(trial('NCT04356287'));
    const scheme = study.extension?.find((e) => e.url === SCHEME);
    expect(part(scheme, 'blockSize')[0]?.valuePositiveInt).toBe(6);
    expect(part(scheme, 'blockCount')[0]?.valuePositiveInt).toBe(3);
    const weights = part(scheme, 'armWeight').map((w) => [part(w, 'arm')[0]?.valueString, part(w, 'weight')[0]?.valuePositiveInt] as const);
    expect(new Map(weights)).toEqual(new Map(study.arm?.map((a) => [a.name, 2])));
  });

  test.each([
    ['NCT04356287', ['Month 0', 'Month 1', 'Month 3', 'Month 12']],
    ['NCT02213705', ['Day 0: infusion', 'Day 10: immediate tolerance', 'Month 24: end of follow-up']],
  ])('when %s is built, then its protocol references the visit schedule, whose visits are all in the bundle', (nctId, visits) => {
    const bundle = trial(nctId);
    const plans = resourcesOf<PlanDefinition>(bundle, 'PlanDefinition');
    const schedule = bundle.entry?.find((e) => studyOf(bundle).protocol?.some((p) => p.reference === e.fullUrl) && e.resource?.meta?.profile?.includes(PROTOCOL_PROFILE));
    const protocol = schedule?.resource as PlanDefinition;
    expect(protocol.action?.map((a) => a.title)).toEqual(visits);
    for (const action of protocol.action ?? []) expect(plans.some((p) => p.url === action.definitionCanonical)).toBe(true);
  });
});
