import type { Medication, MedicationAdministration, Observation } from '@medplum/fhirtypes';
import { errors } from '../../fhir/outcomes';
import { DOSE_PER_KG_EXTENSION } from '../protocol/study-arms';
import type { InfusedProduct } from '../protocol/visit-schedule';

/** The given total cell count may differ from dose per kg x body weight by at most this share (issue 7). */
export const DOSE_TOLERANCE = 0.1;

const MA = 'MedicationAdministration';
const KG_PER_UNIT: Readonly<Record<string, number>> = { kg: 1, g: 0.001, '[lb_av]': 0.45359237 };

/** What was infused, by the product's name: the contained (or referenced) Medication, or medicationCodeableConcept. */
export function productNameOf(infusion: MedicationAdministration, referenced?: Medication): string {
  const ref = infusion.medicationReference?.reference;
  const contained = ref?.startsWith('#') ? infusion.contained?.find((r) => r.resourceType === 'Medication' && r.id === ref.slice(1)) : undefined;
  const code = (contained as Medication | undefined)?.code ?? referenced?.code ?? infusion.medicationCodeableConcept;
  return [code?.text, ...(code?.coding ?? []).map((c) => c.display)].filter(Boolean).join(' / ');
}

function cellsGiven(infusion: MedicationAdministration): number | undefined {
  return infusion.dosage?.dose?.value;
}

function dosePerKgGiven(infusion: MedicationAdministration): number | undefined {
  return infusion.dosage?.extension?.find((e) => e.url === DOSE_PER_KG_EXTENSION)?.valueQuantity?.value;
}

/**
 * The product is the one the visit gives the arm: placebo is 0 {cells} of a product named placebo
 * (the seed bundles' placebo Medication is "Placebo"), without dose per kg; cells are a positive count
 * of a product not named placebo.
 */
export function checkProduct(expected: InfusedProduct, where: string, infusion: MedicationAdministration, productName: string): void {
  const cells = cellsGiven(infusion) ?? 0;
  const namedPlacebo = /placebo/i.test(productName);
  if (expected === 'placebo') {
    if (cells > 0) throw errors.businessRule(`${where} gives placebo (0 {cells}), but this infusion gives ${cells} {cells}`, `${MA}.dosage.dose.value`);
    if (!namedPlacebo) throw errors.businessRule(`${where} gives placebo, but the infused product is "${productName}", not the placebo product`, `${MA}.medication`);
    if (dosePerKgGiven(infusion) !== undefined) throw errors.businessRule(`${where} gives placebo, which has no dose per kg`, `${MA}.dosage.extension`);
    return;
  }
  if (cells <= 0) throw errors.businessRule(`${where} gives cells, but this infusion gives 0 {cells} (placebo)`, `${MA}.dosage.dose.value`);
  if (namedPlacebo) throw errors.businessRule(`${where} gives cells, but the infused product is "${productName}"`, `${MA}.medication`);
}

/** The body weight in kg, when its unit is one of mass UCUM converts (kg, g, [lb_av]). */
export function weightInKg(observation: Observation): number | undefined {
  const q = observation.valueQuantity;
  const factor = KG_PER_UNIT[q?.code ?? q?.unit ?? ''];
  return q?.value !== undefined && factor !== undefined ? q.value * factor : undefined;
}

/**
 * A cell infusion records the arm's dose per kg, and gives that dose times the body weight, within
 * DOSE_TOLERANCE. `armLabel` names the arm in the messages.
 */
export function checkCellDose(armLabel: string, armDosePerKg: number, infusion: MedicationAdministration, weightKg: number, weightLabel: string): void {
  const perKg = dosePerKgGiven(infusion);
  if (perKg === undefined) {
    throw errors.businessRule(`a cell infusion records its dose per kg (extension dose-per-kg): ${armLabel} plans ${armDosePerKg} {cells}/kg`, `${MA}.dosage.extension`);
  }
  if (perKg !== armDosePerKg) {
    throw errors.businessRule(`the dose per kg is ${perKg} {cells}/kg, but ${armLabel} plans ${armDosePerKg} {cells}/kg`, `${MA}.dosage.extension`);
  }
  const expected = armDosePerKg * weightKg;
  const given = cellsGiven(infusion) ?? 0;
  if (Math.abs(given - expected) > DOSE_TOLERANCE * expected) {
    const off = (((given - expected) / expected) * 100).toFixed(1);
    throw errors.businessRule(
      `the dose is ${given} {cells}, but ${armLabel}'s ${armDosePerKg} {cells}/kg x ${round(weightKg)} kg (${weightLabel}) is ${Math.round(expected)} {cells}: ` +
        `${off} %, beyond the ${DOSE_TOLERANCE * 100} % allowed (${Math.round(expected * (1 - DOSE_TOLERANCE))} to ${Math.round(expected * (1 + DOSE_TOLERANCE))})`,
      `${MA}.dosage.dose.value`,
    );
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
