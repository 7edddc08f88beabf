import type { MedicationAdministration, Observation } from '@medplum/fhirtypes';

const UCUM = 'http://unitsofmeasure.org';
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

/** Whose infusion or measurement: references `ResearchStudy/..` and `Patient/..`. */
export interface StudyPatient {
  study: string;
  patient: string;
}

/** The patient's body weight in kg on `day`, as the infusion dose checks read it. */
export function bodyWeight(who: StudyPatient, kg: number, day: string): Observation {
  return {
    resourceType: 'Observation',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: who.study } }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }], text: 'Body weight' },
    subject: { reference: who.patient },
    effectiveDateTime: `${day}T08:30:00Z`,
    valueQuantity: { value: kg, unit: 'kg', system: UCUM, code: 'kg' },
  };
}

/** An infusion on `day`: cells (with `perKg` unless null) or placebo (cells = 0) in 50 mL of PlasmaLyte A, citing `weight`. */
export function studyInfusion(who: StudyPatient, day: string, weight: string, cells: number, perKg: number | null, product = cells > 0 ? 'UCMSC' : 'Placebo'): MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: who.study } }],
    contained: [
      {
        resourceType: 'Medication',
        id: 'product',
        code: { text: product },
        batch: { lotNumber: `LOT-${day}` },
        amount: { numerator: { value: 50, unit: 'mL', system: UCUM, code: 'mL' }, denominator: { value: 1, unit: 'bag', system: UCUM, code: '{bag}' } },
        ingredient: [...(cells > 0 ? [{ itemCodeableConcept: { text: product }, isActive: true }] : []), { itemCodeableConcept: { text: 'PlasmaLyte A' }, isActive: false }],
      },
    ],
    status: 'completed',
    medicationReference: { reference: '#product' },
    subject: { reference: who.patient },
    effectivePeriod: { start: `${day}T10:00:00Z`, end: `${day}T10:45:00Z` },
    supportingInformation: [{ reference: weight }],
    dosage: {
      route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008' }] },
      dose: { value: cells, unit: 'cells', system: UCUM, code: '{cells}' },
      ...(perKg !== null && cells > 0 ? { extension: [{ url: 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg', valueQuantity: { value: perKg, unit: '{cells}/kg', system: UCUM, code: '{cells}/kg' } }] } : {}),
    },
  };
}
