import type { Medication, MedicationAdministration, Observation } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { at } from './calendar';
import type { DemoArm, TrialDesign } from './design';
import { demoEntry, demoKey, quantity, refTo, SNOMED, studyExtension } from './demo-entries';
import { MEASURES, measured, type VisitContext } from './observations';
import type { Product, VisitPlan } from './schedule-defaults';
import { ALL_ARMS } from './schedule-reader';

export type { Product } from './schedule-defaults';


/**
 * What the arm is infused at an infusion visit, the n-th (0-based): what the study's schedule says for
 * the arm at that visit; or else cells for the arm's first cellInfusions visits, then placebo in a
 * placebo-controlled study (seed 000: the one-infusion arm gets placebo at M3, the placebo arm placebo at
 * M0 and M3), nothing in an open study.
 */
export function productAt(arm: DemoArm, visit: VisitPlan, index: number, placeboControlled: boolean): Product | undefined {
  const scheduled = visit.products ? (visit.products.get(arm.name) ?? visit.products.get(ALL_ARMS)) : undefined;
  // A placebo arm has no dose per kg: whatever it is given, it is placebo.
  if (arm.placebo) return visit.products && !scheduled ? undefined : 'placebo';
  if (visit.products) return scheduled;
  if (index < arm.cellInfusions) return 'cells';
  return placeboControlled ? 'placebo' : undefined;
}

/** The prepared bag, contained in the administration (StromaInfusionProduct: name, lot, volume, vehicle). */
function product(design: TrialDesign, arm: DemoArm, kind: Product, lot: string): Medication {
  const vehicle = { itemCodeableConcept: { text: arm.vehicle }, isActive: false };
  const name = kind === 'cells' ? design.cellProductName : design.placeboProductName;
  return {
    resourceType: 'Medication',
    id: 'product',
    code: { text: name },
    batch: { lotNumber: lot },
    amount: { numerator: quantity(arm.volumeMl, 'mL'), denominator: quantity(1, '{bag}', 'bag') },
    ingredient: kind === 'cells' ? [{ itemCodeableConcept: { text: name }, isActive: true }, vehicle] : [vehicle],
  };
}

export interface Infusion {
  readonly weight: KeyedResource;
  readonly administration: KeyedResource;
  readonly product: Product;
}

/**
 * The body weight taken before the infusion and the infusion itself: total cells = dose per kg x weight
 * (DOMAIN.md), 0 cells of the placebo product, with the weight as supportingInformation.
 */
export function infusion(ctx: VisitContext, design: TrialDesign, arm: DemoArm, kind: Product, weightKg: number): Infusion {
  const weight = measured(ctx, MEASURES.weight, weightKg, 'kg', '08:30');
  const key = demoKey(ctx.nctId, 'subject', ctx.subject, ctx.visitId, 'infusion');
  const cells = kind === 'cells' ? Math.round(arm.dosePerKg * weightKg) : 0;
  const lot = `DEMO-${ctx.nctId}-${ctx.subject}-${ctx.visitId.toUpperCase()}`;
  const administration: MedicationAdministration = {
    resourceType: 'MedicationAdministration',
    identifier: [key],
    extension: [studyExtension(ctx.nctId)],
    contained: [product(design, arm, kind, lot)],
    status: 'completed',
    medicationReference: { reference: '#product' },
    subject: ctx.patient,
    effectivePeriod: { start: at(ctx.day, '10:00'), end: at(ctx.day, '10:45') },
    supportingInformation: [refTo<Observation>(weight)],
    dosage: {
      route: { coding: [{ system: SNOMED, code: '47625008', display: 'Intravenous route' }] },
      dose: quantity(cells, '{cells}', 'cells'),
      ...(kind === 'cells' ? { extension: [{ url: 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg', valueQuantity: quantity(arm.dosePerKg, '{cells}/kg', 'cells/kg') }] } : {}),
    },
  };
  return { weight, administration: demoEntry(key, administration), product: kind };
}
