import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ActivityDefinition, Bundle, Medication, PlanDefinition, Resource, ResearchStudyArm } from '@medplum/fhirtypes';
import { mapArms } from '../../../../src/trial/ctgov/arms';
import { computerName, mapInterventions } from '../../../../src/trial/ctgov/interventions';
import { ctgovToBundle } from '../../../../src/trial/ctgov/map-record';
import type { Node } from '../../../../src/trial/ctgov/record-reader';
import { errorsOf, resourcesOf, seedRecord, studyOf } from './ctgov-fixture';

const DERIVED = 'https://stroma-fhir.org/fhir/NamingSystem/ctgov-import';
const AD_BASE = 'https://stroma-fhir.org/fhir/ActivityDefinition';
const SAMPLES_DIR = process.env.CTGOV_SAMPLES_DIR ?? resolve(__dirname, '../../../../../shared/conformance/ctgov-samples');

const bundleOf = (nctId: string): Bundle => ctgovToBundle(seedRecord(nctId));
const fullUrlOf = (bundle: Bundle, resource: Resource): string | undefined => bundle.entry?.find((e) => e.resource === resource)?.fullUrl;
const actionsOf = (plan: PlanDefinition): [string | undefined, string | undefined][] =>
  (plan.action ?? []).map((a) => [a.title, a.definitionCanonical]);
const node = (value: Record<string, unknown>): Node => ({ path: 'protocolSection.armsInterventionsModule', value });

/** mapInterventions on a hand-written armsInterventionsModule, with the arms mapArms makes of it. */
function mapModule(value: Record<string, unknown>): ReturnType<typeof mapInterventions> & { arms: ResearchStudyArm[] } {
  const arms = mapArms(node(value));
  return { ...mapInterventions('NCT00000001', node(value), arms), arms };
}

describe('interventions: NCT04356287 (UCMSC or placebo in 50 mL PlasmaLyte A)', () => {
  const bundle = bundleOf('NCT04356287');
  const medications = resourcesOf<Medication>(bundle, 'Medication');
  const activities = resourcesOf<ActivityDefinition>(bundle, 'ActivityDefinition');
  const plans = resourcesOf<PlanDefinition>(bundle, 'PlanDefinition');
  const ucmsc = `${AD_BASE}/nct04356287-intervention-0`;
  const placebo = `${AD_BASE}/nct04356287-intervention-1`;

  test('when mapped, then the UCMSC product and the placebo (registered as OTHER) are the Medications, named as registered', () => {
    expect(medications).toEqual([
      { resourceType: 'Medication', identifier: [{ system: DERIVED, value: 'NCT04356287/intervention/0' }], code: { text: 'UCMSC' }, status: 'active' },
      { resourceType: 'Medication', identifier: [{ system: DERIVED, value: 'NCT04356287/intervention/1' }], code: { text: 'Placebo' }, status: 'active' },
    ]);
  });

  test('when mapped, then each intervention is an ActivityDefinition, a MedicationRequest for its Medication', () => {
    expect(activities.map((a) => [a.url, a.identifier?.[0].value, a.name, a.title, a.kind, a.code?.text, a.status])).toEqual([
      [ucmsc, 'NCT04356287/activity/0', 'UCMSC', 'BIOLOGICAL: UCMSC', 'MedicationRequest', 'UCMSC', 'active'],
      [placebo, 'NCT04356287/activity/1', 'Placebo', 'OTHER: Placebo', 'MedicationRequest', 'Placebo', 'active'],
    ]);
    expect(activities[0].productReference?.reference).toBe(fullUrlOf(bundle, medications[0]));
    expect(activities[1].productReference?.reference).toBe(fullUrlOf(bundle, medications[1]));
    // The record describes neither intervention: the doses and volumes are in the arms' text.
    expect(activities.map((a) => a.description)).toEqual([undefined, undefined]);
  });

  test('when mapped, then each arm has a PlanDefinition with its own interventions and its dose and volume in the text', () => {
    expect(plans.map((p) => [p.url, p.identifier?.[0].value, p.title, p.type?.coding?.[0].code, p.status])).toEqual([
      ['https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-arm-0', 'NCT04356287/arm/0', 'Two infusions of UCMSC', 'clinical-protocol', 'active'],
      ['https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-arm-1', 'NCT04356287/arm/1', 'Placebo infusions', 'clinical-protocol', 'active'],
      ['https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-arm-2', 'NCT04356287/arm/2', 'One infusion of UCMSC', 'clinical-protocol', 'active'],
    ]);
    expect(plans.map(actionsOf)).toEqual([[['BIOLOGICAL: UCMSC', ucmsc]], [['OTHER: Placebo', placebo]], [['BIOLOGICAL: UCMSC', ucmsc]]]);
    expect(plans[0].description).toContain('1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A');
    expect(plans[1].description).toContain('Each placebo infusion will consist of 50 ml of PlasmaLyte A');
    expect(plans[2].description).toContain('one intravenous infusion of placebo at month 3');
  });

  test('when mapped, then ResearchStudy.protocol references the arm PlanDefinitions in arm order', () => {
    const study = studyOf(bundle);
    expect(study.protocol?.map((p) => p.reference)).toEqual(plans.map((p) => fullUrlOf(bundle, p)));
    expect(study.protocol?.map((p) => p.display)).toEqual(study.arm?.map((a) => a.name));
  });
});

describe('interventions: NCT03562065 (one registered arm, three dose cohorts)', () => {
  const bundle = bundleOf('NCT03562065');
  const plans = resourcesOf<PlanDefinition>(bundle, 'PlanDefinition');
  const msc = `${AD_BASE}/nct03562065-intervention-0`;

  test('when mapped, then each dose-cohort arm has a PlanDefinition whose one action is the UCMSC infusion', () => {
    expect(plans.map((p) => p.title)).toEqual(studyOf(bundle).arm?.map((a) => a.name));
    expect(plans.map((p) => p.title)).toEqual([
      'mesenchymal stem cells, 1 x10^6 cells/kg',
      'mesenchymal stem cells, 2 x10^6 cells/kg',
      'mesenchymal stem cells, 4 x10^6 cells/kg',
    ]);
    for (const plan of plans) expect(actionsOf(plan)).toEqual([['BIOLOGICAL: mesenchymal stem cells', msc]]);
  });

  test('when mapped, then the ActivityDefinition keeps the registered description with its three doses', () => {
    const [activity] = resourcesOf<ActivityDefinition>(bundle, 'ActivityDefinition');
    expect(activity).toMatchObject({ url: msc, name: 'MesenchymalStemCells', kind: 'MedicationRequest', code: { text: 'mesenchymal stem cells' } });
    for (const dose of ['1.10^6 CSM / kg', '2.10^6 CSM / kg', '4.10^6 CSM / kg', '30min to 1h']) expect(activity.description).toContain(dose);
    expect(resourcesOf<Medication>(bundle, 'Medication').map((m) => m.code?.text)).toEqual(['mesenchymal stem cells']);
  });
});

describe('interventions: NCT02213705 (one arm, one biological)', () => {
  test('when mapped, then the arm PlanDefinition has the one intervention', () => {
    const bundle = bundleOf('NCT02213705');
    const [plan] = resourcesOf<PlanDefinition>(bundle, 'PlanDefinition');
    expect(resourcesOf<PlanDefinition>(bundle, 'PlanDefinition')).toHaveLength(1);
    expect(actionsOf(plan)).toEqual([
      ['BIOLOGICAL: INJECTION OF ALLOGENEIC MESENCHYMAL STEM CELLS', `${AD_BASE}/nct02213705-intervention-0`],
    ]);
    expect(resourcesOf<ActivityDefinition>(bundle, 'ActivityDefinition')[0].name).toBe('INJECTIONOFALLOGENEICMESENCHYMALSTEMCELLS');
  });
});

describe('interventions: entries', () => {
  const TYPES = ['Medication', 'ActivityDefinition', 'PlanDefinition'];

  test.each(['NCT04356287', 'NCT02213705', 'NCT03562065'])(
    'when %s is mapped twice, then its intervention entries are identical conditional PUTs on their identifiers, after the others',
    (nctId) => {
      const entries = (bundleOf(nctId).entry ?? []).filter((e) => TYPES.includes(e.resource?.resourceType ?? ''));
      expect(entries.length).toBeGreaterThanOrEqual(3);
      expect((bundleOf(nctId).entry ?? []).filter((e) => TYPES.includes(e.resource?.resourceType ?? ''))).toEqual(entries);
      const all = bundleOf(nctId).entry ?? [];
      expect(all.slice(-entries.length)).toEqual(entries);
      for (const entry of entries) {
        const id = (entry.resource as Medication).identifier?.[0];
        expect(entry.request).toEqual({ method: 'PUT', url: `${entry.resource?.resourceType}?identifier=${DERIVED}|${encodeURIComponent(id?.value ?? '')}` });
      }
    },
  );

  test.each(['NCT04356287', 'NCT02213705', 'NCT03562065'])('when %s is mapped, then every new resource is valid R4', (nctId) => {
    const resources = (bundleOf(nctId).entry ?? []).map((e) => e.resource as Resource).filter((r) => TYPES.includes(r.resourceType));
    for (const resource of resources) expect(errorsOf(resource)).toEqual([]);
  });

  const samples = existsSync(SAMPLES_DIR) ? readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json')) : [];
  (samples.length > 0 ? test : test.skip)('when the real v2 sample records are mapped, then their intervention resources are valid R4', () => {
    let count = 0;
    for (const file of samples) {
      const record = JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8')) as { protocolSection?: { armsInterventionsModule?: Record<string, unknown> } };
      const module = record.protocolSection?.armsInterventionsModule;
      // An observational record's groups have no arm type, which mapArms (and so the import) refuses.
      if (!module || (module.armGroups as { type?: string }[] | undefined)?.some((g) => !g.type)) continue;
      const { resources } = mapModule(module);
      for (const { resource } of resources) expect([file, errorsOf(resource)]).toEqual([file, []]);
      count += resources.length;
    }
    expect(count).toBeGreaterThan(10);
  });
});

describe('interventions: hand-written records', () => {
  test('when intervention types vary, then only DRUG and BIOLOGICAL get a Medication, and each kind is an R4 request type', () => {
    const { resources } = mapModule({
      interventions: [
        { type: 'DRUG', name: 'Bupivacaine' },
        { type: 'DEVICE', name: 'Tape' },
        { type: 'PROCEDURE', name: 'Surgery' },
        { name: 'Untyped' },
      ],
    });
    expect(resources.filter((r) => r.resource.resourceType === 'Medication').map((r) => r.key.value)).toEqual(['NCT00000001/intervention/0']);
    const activities = resources.map((r) => r.resource).filter((r): r is ActivityDefinition => r.resourceType === 'ActivityDefinition');
    expect(activities.map((a) => [a.title, a.kind])).toEqual([
      ['DRUG: Bupivacaine', 'MedicationRequest'],
      ['DEVICE: Tape', 'DeviceRequest'],
      ['PROCEDURE: Surgery', 'ServiceRequest'],
      ['Untyped', undefined],
    ]);
  });

  test('when an arm has no intervention, then its PlanDefinition has no action, and an unassigned intervention is in no plan', () => {
    const { resources, protocol } = mapModule({
      armGroups: [{ label: 'Observation', type: 'NO_INTERVENTION' }, { label: 'Cells', type: 'EXPERIMENTAL' }],
      interventions: [{ type: 'BIOLOGICAL', name: 'MSC', armGroupLabels: ['Cells'] }, { type: 'OTHER', name: 'Diary', armGroupLabels: ['Nobody'] }],
    });
    const plans = resources.map((r) => r.resource).filter((r): r is PlanDefinition => r.resourceType === 'PlanDefinition');
    expect(plans.map((p) => [p.title, p.action?.map((a) => a.title)])).toEqual([['Observation', undefined], ['Cells', ['BIOLOGICAL: MSC']]]);
    expect(protocol).toHaveLength(2);
    for (const plan of plans) expect(errorsOf(plan)).toEqual([]);
  });

  test('when a label is a prefix of another arm\'s label, then only the arm itself and its dose cohorts get the intervention', () => {
    const { resources, arms } = mapModule({
      armGroups: [{ label: 'MSC', type: 'EXPERIMENTAL', description: '1 x10^6 cells/kg or 3 x10^6 cells/kg' }, { label: 'MSC, late', type: 'EXPERIMENTAL' }],
      interventions: [{ type: 'BIOLOGICAL', name: 'Cells', armGroupLabels: ['MSC'] }],
    });
    const plans = resources.map((r) => r.resource).filter((r): r is PlanDefinition => r.resourceType === 'PlanDefinition');
    expect(arms.map((a) => a.name)).toEqual(['MSC, 1 x10^6 cells/kg', 'MSC, 3 x10^6 cells/kg', 'MSC, late']);
    expect(plans.map((p) => p.action?.length ?? 0)).toEqual([1, 1, 0]);
  });

  test('when a name has punctuation, accents or a leading digit, then the computer-friendly name still matches R4 adf-0', () => {
    expect(computerName('Kinesio(R)Tape for edema control', 'Intervention')).toBe('KinesioRTapeForEdemaControl');
    expect(computerName('5-fluorouracil', 'Intervention')).toBe('Intervention5Fluorouracil');
    expect(computerName('cellules stromales mésenchymateuses', 'Intervention')).toBe('CellulesStromalesMesenchymateuses');
    expect(computerName('***', 'Intervention')).toBe('Intervention');
    for (const text of ['x'.repeat(400), 'été', '123']) expect(computerName(text, 'Intervention')).toMatch(/^[A-Z][A-Za-z0-9]{0,254}$/);
  });
});
