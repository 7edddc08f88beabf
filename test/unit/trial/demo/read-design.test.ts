import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Bundle, MedicationAdministration, PlanDefinition, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import { demoBundle, readDesign } from '../../../../src/trial/demo';
import { demoKeyOf, demoResources, seedTrials, subjectOf } from './demo-fixture';

const trials = seedTrials();
const EXAMPLES = resolve(__dirname, '../../../../profiles/examples');

function example(name: string): PlanDefinition {
  return JSON.parse(readFileSync(join(EXAMPLES, `PlanDefinition-${name}.json`), 'utf8')) as PlanDefinition;
}

/** A seed trial's Bundle with the schedule of activities of profiles/examples added (protocol and visits). */
function withSchedule(nctId: string, visits: string[], change?: (visit: PlanDefinition) => void): Bundle {
  const bundle = structuredClone(trials.get(nctId) as Bundle);
  const prefix = nctId.toLowerCase();
  const plans = [example(`${prefix}-protocol`), ...visits.map((v) => example(`${prefix}-${v}`))];
  plans.forEach((p) => change?.(p));
  bundle.entry = [...(bundle.entry ?? []), ...plans.map((resource) => ({ resource, request: { method: 'PUT' as const, url: `PlanDefinition?url=${resource.url}` } }))];
  return bundle;
}

function infusionsByArm(bundle: Bundle): string[] {
  const arm = new Map(demoResources<ResearchSubject>(bundle, 'ResearchSubject').map((s) => [subjectOf(s), s.assignedArm as string]));
  const seen = new Set<string>();
  for (const given of demoResources<MedicationAdministration>(bundle, 'MedicationAdministration')) {
    seen.add(`${arm.get(subjectOf(given))} ${demoKeyOf(given).split('/')[3]} ${(given.dosage?.dose?.value as number) > 0 ? 'cells' : 'placebo'}`);
  }
  return [...seen].sort();
}

describe('the design read from the trial Bundle', () => {
  test('when NCT02213705 carries its schedule of activities, then the visits are the schedule\'s: D0 with the infusion, D10, M24', () => {
    const design = readDesign(withSchedule('NCT02213705', ['d0', 'd10', 'm24']));
    expect(design.visits.map((v) => [v.id, v.months, v.days, v.kind, v.infusion])).toEqual([
      ['d0', 0, 0, 'baseline', true],
      ['d10', 0, 10, 'safety', false],
      ['m24', 24, 0, 'full', false],
    ]);
  });

  test('when NCT04356287 carries its schedule, then who gets cells or placebo at M0 and M3 is read from the visits\' arm conditions', () => {
    const trial = withSchedule('NCT04356287', ['m0', 'm1', 'm3', 'm12']);
    expect(readDesign(trial).visits.map((v) => v.id)).toEqual(['m0', 'm1', 'm3', 'm12']);
    expect(infusionsByArm(demoBundle(trial, 6))).toEqual(
      ['One infusion of UCMSC m0 cells', 'One infusion of UCMSC m3 placebo', 'Placebo infusions m0 placebo', 'Placebo infusions m3 placebo', 'Two infusions of UCMSC m0 cells', 'Two infusions of UCMSC m3 cells'].sort(),
    );
  });

  test('when the schedule changes what an arm gets at a visit, then the demo follows the schedule, not the arm name', () => {
    const trial = withSchedule('NCT04356287', ['m0', 'm1', 'm3', 'm12'], (plan) => {
      if (plan.url?.endsWith('-m3')) plan.action = plan.action?.filter((a) => !/placebo/i.test(a.title ?? '')).map((a) => ({ ...a, condition: undefined }));
    });
    const seen = infusionsByArm(demoBundle(trial, 6));
    expect(seen).toContain('One infusion of UCMSC m3 cells');
    // A placebo arm has no dose per kg: it stays on placebo whatever the visit says.
    expect(seen).toContain('Placebo infusions m3 placebo');
  });

  test('when the study has no schedule of activities, then the default table for its disease is used (lupus: D0 to M12)', () => {
    expect(readDesign(trials.get('NCT03562065') as Bundle).visits.map((v) => v.id)).toEqual(['m0', 'd10', 'm1', 'm3', 'm6', 'm9', 'm12']);
  });

  test('when the study carries a randomization scheme, then its blocks follow the scheme\'s arm weights', () => {
    const trial = structuredClone(trials.get('NCT04356287') as Bundle);
    const study = trial.entry?.[0].resource as ResearchStudy;
    const weight = (arm: string, w: number) => ({ url: 'armWeight', extension: [{ url: 'arm', valueString: arm }, { url: 'weight', valuePositiveInt: w }] });
    study.extension = [
      ...(study.extension ?? []).filter((e) => !e.url.endsWith('/randomization-scheme')),
      { url: 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme', extension: [{ url: 'blockSize', valuePositiveInt: 3 }, weight('Placebo infusions', 1), weight('One infusion of UCMSC', 1), weight('Two infusions of UCMSC', 1)] },
    ];
    const arms = demoResources<ResearchSubject>(demoBundle(trial, 6), 'ResearchSubject').map((s) => s.assignedArm);
    for (let block = 0; block < 6; block++) expect(new Set(arms.slice(block * 3, block * 3 + 3)).size).toBe(3);
  });
});
