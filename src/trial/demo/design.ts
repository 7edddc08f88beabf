import type { Bundle, Group, Medication, ResearchStudy, ResearchStudyArm, Resource } from '@medplum/fhirtypes';
import { DOSE_PER_KG_URL, NCT_SYSTEM } from '../ctgov/codes';
import { diseaseOf, type DiseaseKind } from '../protocol/disease';
import { fromPartialDate, type Day } from './calendar';
import { readSchedule } from './schedule-reader';
import {
  DEFAULT_PRODUCT_VOLUME_ML,
  DEFAULT_START,
  DEFAULT_VEHICLE,
  defaultSchedule,
  SUBJECTS_PER_ARM_PER_BLOCK,
  type VisitPlan,
} from './schedule-defaults';

/** One arm as the demo uses it: what it infuses, and how many of the infusion visits get cells. */
export interface DemoArm {
  readonly name: string;
  readonly placebo: boolean;
  /** Cells per kg body weight (dose-per-kg extension); 0 for a placebo arm. */
  readonly dosePerKg: number;
  /** How many infusion visits, from the first, give cells; the later ones give placebo in a blinded study. */
  readonly cellInfusions: number;
  readonly volumeMl: number;
  readonly vehicle: string;
}

/** Everything the generator needs about a trial, read from its transaction Bundle. */
export interface TrialDesign {
  readonly nctId: string;
  readonly disease: DiseaseKind;
  readonly arms: readonly DemoArm[];
  readonly targetSize: number;
  readonly randomized: boolean;
  /** A placebo arm exists: every subject gets an infusion at every infusion visit, cells or placebo. */
  readonly placeboControlled: boolean;
  readonly start: Day;
  readonly visits: readonly VisitPlan[];
  /** A randomized study's block: each arm as many times as its weight (the randomization-scheme extension). */
  readonly block: readonly DemoArm[];
  readonly cellProductName: string;
  readonly placeboProductName: string;
}

export class DemoDesignError extends Error {}

const ALLOCATION_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/study-allocation';

function resourcesOf<T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === type);
}

function demoDiseaseOf(study: ResearchStudy): DiseaseKind {
  const disease = diseaseOf(study);
  if (disease) return disease;
  throw new DemoDesignError('the demo knows systemic sclerosis and lupus only: no condition coded with either SNOMED CT code');
}

const COUNT_WORDS: Readonly<Record<string, number>> = { one: 1, single: 1, two: 2, three: 3, '1': 1, '2': 2, '3': 3 };

/**
 * How many infusions of cells an arm gives, read from its name ("Two infusions of UCMSC", "One infusion
 * of UCMSC"); an experimental arm that does not say gives one.
 */
function cellInfusionsOf(arm: ResearchStudyArm): number {
  const match = /\b(one|single|two|three|[123])\s+infusions?\b/i.exec(arm.name);
  return match ? COUNT_WORDS[match[1].toLowerCase()] : 1;
}

/** "50 ml of PlasmaLyte A" in the arm's text, else the demo defaults. */
function productOf(arm: ResearchStudyArm): { volumeMl: number; vehicle: string } {
  const match = /(\d+(?:\.\d+)?)\s*ml\s+of\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)/.exec(arm.description ?? '');
  return match ? { volumeMl: Number(match[1]), vehicle: match[2] } : { volumeMl: DEFAULT_PRODUCT_VOLUME_ML, vehicle: DEFAULT_VEHICLE };
}

function demoArm(arm: ResearchStudyArm): DemoArm {
  const placebo = arm.type?.coding?.some((c) => c.code === 'placebo-comparator') ?? false;
  const dose = arm.extension?.find((e) => e.url === DOSE_PER_KG_URL)?.valueQuantity?.value;
  if (!placebo && !dose) throw new DemoDesignError(`arm "${arm.name}" infuses cells but has no dose-per-kg`);
  return { name: arm.name, placebo, dosePerKg: placebo ? 0 : (dose as number), cellInfusions: placebo ? 0 : cellInfusionsOf(arm), ...productOf(arm) };
}

function productName(bundle: Bundle, placebo: boolean): string {
  const names = resourcesOf<Medication>(bundle, 'Medication').map((m) => m.code?.text ?? '');
  const found = names.find((n) => /placebo/i.test(n) === placebo && n !== '');
  return found ?? (placebo ? 'Placebo' : 'Investigational cell product');
}

const SCHEME_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme';

/**
 * The arms of one randomization block: from the study's randomization-scheme extension (arm names and
 * weights), else SUBJECTS_PER_ARM_PER_BLOCK of every arm.
 */
function blockOf(study: ResearchStudy, arms: readonly DemoArm[]): DemoArm[] {
  const scheme = study.extension?.find((e) => e.url === SCHEME_URL);
  const weights = (scheme?.extension ?? []).filter((e) => e.url === 'armWeight');
  if (weights.length === 0) return arms.flatMap((arm) => Array.from({ length: SUBJECTS_PER_ARM_PER_BLOCK }, () => arm));
  const block = weights.flatMap((w) => {
    const name = w.extension?.find((e) => e.url === 'arm')?.valueString;
    const arm = arms.find((a) => a.name === name);
    if (!arm) throw new DemoDesignError(`the randomization scheme names an arm the study does not have: "${name}"`);
    return Array.from({ length: w.extension?.find((e) => e.url === 'weight')?.valuePositiveInt ?? 0 }, () => arm);
  });
  if (block.length === 0) throw new DemoDesignError('the randomization scheme gives no arm a weight');
  return block;
}

/** Reads the design from the trial's transaction Bundle (the ResearchStudy, its enrollment Group). */
export function readDesign(bundle: Bundle): TrialDesign {
  const study = resourcesOf<ResearchStudy>(bundle, 'ResearchStudy')[0];
  if (!study) throw new DemoDesignError('the trial Bundle has no ResearchStudy');
  const nctId = study.identifier?.find((i) => i.system === NCT_SYSTEM)?.value;
  if (!nctId) throw new DemoDesignError('the ResearchStudy has no NCT identifier');
  const group = resourcesOf<Group>(bundle, 'Group')[0];
  const targetSize = group?.quantity;
  if (!targetSize) throw new DemoDesignError(`${nctId}: the enrollment Group has no quantity (target size)`);
  const arms = (study.arm ?? []).map(demoArm);
  if (arms.length === 0) throw new DemoDesignError(`${nctId}: the ResearchStudy has no arm`);
  const disease = demoDiseaseOf(study);
  const placeboControlled = arms.some((a) => a.placebo);
  const allocation = study.extension?.find((e) => e.url === ALLOCATION_URL)?.valueCodeableConcept?.coding?.[0]?.code;
  return {
    nctId,
    disease,
    arms,
    targetSize,
    randomized: allocation === 'RANDOMIZED',
    placeboControlled,
    start: study.period?.start ? fromPartialDate(study.period.start) : DEFAULT_START,
    visits: readSchedule(bundle) ?? defaultSchedule(disease, placeboControlled),
    block: blockOf(study, arms),
    cellProductName: productName(bundle, false),
    placeboProductName: productName(bundle, true),
  };
}
