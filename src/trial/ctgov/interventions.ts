import type { ActivityDefinition, Medication, PlanDefinition, PlanDefinitionAction, Reference, ResearchStudyArm } from '@medplum/fhirtypes';
import { DOSE_PER_KG_URL } from './codes';
import { doseLabel } from './doses';
import { derivedKey, type KeyedResource, referenceTo } from './entries';
import { type Node, objectList, optString, reqString, stringList, unescapeMarkdown } from './record-reader';

/** One `armsInterventionsModule.interventions[]` entry of a v2 record, as the mapper uses it. */
export interface Intervention {
  /** Its position in the record: the derived keys and canonical URLs are numbered by it. */
  readonly index: number;
  /** The v2 enum (DRUG, BIOLOGICAL, PROCEDURE, OTHER, ...), when the record gives one. */
  readonly type?: string;
  readonly name: string;
  /** "<TYPE>: <name>", or the name alone when the record gives no type. */
  readonly heading: string;
  readonly description?: string;
  readonly armLabels: readonly string[];
}

/** The interventions of armsInterventionsModule, with v2's markdown escapes removed from their text. */
export function readInterventions(module: Node): Intervention[] {
  return objectList(module, 'interventions').map((node, index) => {
    const name = unescapeMarkdown(reqString(node, 'name'));
    const type = optString(node, 'type');
    const description = optString(node, 'description');
    return {
      index,
      ...(type ? { type } : {}),
      name,
      heading: type ? `${type}: ${name}` : name,
      ...(description ? { description: unescapeMarkdown(description) } : {}),
      armLabels: stringList(node, 'armGroupLabels'),
    };
  });
}

const CANONICAL_BASE = 'https://stroma-fhir.org/fhir';
const PLAN_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/plan-definition-type';

/** Intervention types that name a product, so get a Medication. */
const PRODUCT_TYPES = new Set(['DRUG', 'BIOLOGICAL']);

/**
 * A placebo is a product too, whatever type the record gives it (NCT04356287 registers "Other: Placebo"):
 * DOMAIN.md has placebo infusions as MedicationAdministrations of the placebo product, so blinding holds.
 */
function namesProduct(intervention: Intervention): boolean {
  return (intervention.type !== undefined && PRODUCT_TYPES.has(intervention.type)) || /\bplacebo\b/i.test(intervention.name);
}

/**
 * R4 binds ActivityDefinition.kind (required) to request-resource-types: the request that applying the
 * definition creates, not the event. So a drug is a MedicationRequest (MedicationAdministration and
 * Procedure are not in R4's value set), a device a DeviceRequest, and any other intervention a
 * ServiceRequest, R4's request for a procedure or other service. No type, no kind.
 */
function activityKind(intervention: Intervention): ActivityDefinition['kind'] | undefined {
  if (namesProduct(intervention)) return 'MedicationRequest';
  if (!intervention.type) return undefined;
  return intervention.type === 'DEVICE' ? 'DeviceRequest' : 'ServiceRequest';
}

/**
 * A computer-friendly name (R4 adf-0: `[A-Z]([A-Za-z0-9_]){0,254}`), letters and digits only:
 * "mesenchymal stem cells" -> "MesenchymalStemCells", "UCMSC" stays "UCMSC".
 */
export function computerName(text: string, fallback: string): string {
  const ascii = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const words = ascii.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const name = /^[A-Z]/.test(joined) ? joined : `${fallback}${joined}`;
  return name.slice(0, 255);
}

function activityUrl(nctId: string, index: number): string {
  return `${CANONICAL_BASE}/ActivityDefinition/${nctId.toLowerCase()}-intervention-${index}`;
}

function planUrl(nctId: string, index: number): string {
  return `${CANONICAL_BASE}/PlanDefinition/${nctId.toLowerCase()}-arm-${index}`;
}

/** The product a DRUG, BIOLOGICAL or placebo intervention names, by its registered name only (no code is known). */
function medicationOf(nctId: string, intervention: Intervention): KeyedResource {
  const key = derivedKey(nctId, 'intervention', intervention.index);
  const medication: Medication = { resourceType: 'Medication', identifier: [key], code: { text: intervention.name }, status: 'active' };
  return { key, resource: medication };
}

function activityOf(nctId: string, intervention: Intervention, medication: KeyedResource | undefined): KeyedResource {
  const key = derivedKey(nctId, 'activity', intervention.index);
  const kind = activityKind(intervention);
  const activity: ActivityDefinition = {
    resourceType: 'ActivityDefinition',
    url: activityUrl(nctId, intervention.index),
    identifier: [key],
    name: computerName(intervention.name, 'Intervention'),
    title: intervention.heading,
    status: 'active',
    ...(intervention.description ? { description: intervention.description } : {}),
    ...(kind ? { kind } : {}),
    code: { text: intervention.name },
    ...(medication ? { productReference: referenceTo<Medication>(medication, intervention.name) } : {}),
  };
  return { key, resource: activity };
}

/**
 * Whether a ResearchStudy.arm is the registered arm `label`: the arm itself, or one of its dose cohorts,
 * which mapArms names "<label>, <dose>" and gives that dose per kg.
 */
function armIsOf(arm: ResearchStudyArm, label: string): boolean {
  if (arm.name === label) return true;
  const dose = arm.extension?.find((e) => e.url === DOSE_PER_KG_URL)?.valueQuantity?.value;
  return dose !== undefined && arm.name === `${label}, ${doseLabel(dose)}`;
}

function planOf(nctId: string, arm: ResearchStudyArm, index: number, actions: PlanDefinitionAction[]): KeyedResource {
  const key = derivedKey(nctId, 'arm', index);
  const plan: PlanDefinition = {
    resourceType: 'PlanDefinition',
    url: planUrl(nctId, index),
    identifier: [key],
    title: arm.name,
    type: { coding: [{ system: PLAN_TYPE_SYSTEM, code: 'clinical-protocol', display: 'Clinical Protocol' }] },
    status: 'active',
    ...(arm.description ? { description: arm.description } : {}),
    ...(actions.length > 0 ? { action: actions } : {}),
  };
  return { key, resource: plan };
}

/**
 * The record's interventions as R4 definitions: a Medication per DRUG or BIOLOGICAL intervention, an
 * ActivityDefinition per intervention, and a PlanDefinition per ResearchStudy.arm (after mapArms split dose
 * cohorts) whose actions are the arm's interventions, by their ActivityDefinition's canonical URL.
 * `protocol` references the PlanDefinitions in arm order. Every resource carries a key derived from the NCT
 * number and its position, so a second import updates it in place.
 */
export function mapInterventions(
  nctId: string,
  module: Node | undefined,
  arms: readonly ResearchStudyArm[],
): { resources: KeyedResource[]; protocol: Reference<PlanDefinition>[] } {
  const interventions = module ? readInterventions(module) : [];
  const medications = interventions.map((i) => (namesProduct(i) ? medicationOf(nctId, i) : undefined));
  const activities = interventions.map((i) => activityOf(nctId, i, medications[i.index]));
  const plans = arms.map((arm, index) => {
    const actions = interventions
      .filter((i) => i.armLabels.some((label) => armIsOf(arm, label)))
      .map((i) => ({ title: i.heading, definitionCanonical: activityUrl(nctId, i.index) }));
    return planOf(nctId, arm, index, actions);
  });
  const present = medications.filter((m): m is KeyedResource => m !== undefined);
  return {
    resources: [...present, ...activities, ...plans],
    protocol: plans.map((plan) => referenceTo<PlanDefinition>(plan, (plan.resource as PlanDefinition).title)),
  };
}
