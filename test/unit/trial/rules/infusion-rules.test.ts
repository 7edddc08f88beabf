import type { AdverseEvent, MedicationAdministration, ResearchSubject } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../../../../src/fhir/outcomes';
import { checkCellDose, checkProduct, productNameOf, weightInKg } from '../../../../src/trial/rules/infusion-dose';
import { judgeEnrolment } from '../../../../src/trial/rules/infusion-enrolment';
import { concernsPatient, severeRelatedEvent } from '../../../../src/trial/rules/trsae';

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const PER_KG = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';

function refusal(fn: () => unknown): { diagnostics: string; expression?: string[] } {
  try {
    fn();
  } catch (error) {
    if (error instanceof OperationOutcomeError) return { diagnostics: error.outcome.issue?.[0]?.diagnostics ?? '', expression: error.outcome.issue?.[0]?.expression };
    throw error;
  }
  throw new Error('not refused');
}

function infusion(cells: number, perKg?: number, product = 'UCMSC'): MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    status: 'completed',
    subject: { reference: 'Patient/p' },
    contained: [{ resourceType: 'Medication', id: 'product', code: { text: product } }],
    medicationReference: { reference: '#product' },
    effectiveDateTime: '2024-01-10T10:00:00Z',
    dosage: { dose: { value: cells, code: '{cells}' }, ...(perKg ? { extension: [{ url: PER_KG, valueQuantity: { value: perKg } }] } : {}) },
  };
}

describe('dose and product', () => {
  test('when the dose is within 10 % of dose per kg x weight, then it passes; beyond, it is refused at the dose with the numbers', () => {
    expect(() => checkCellDose('arm "A"', 1_000_000, infusion(66_000_000, 1_000_000), 60, 'w')).not.toThrow();
    expect(() => checkCellDose('arm "A"', 1_000_000, infusion(54_000_000, 1_000_000), 60, 'w')).not.toThrow();
    const low = refusal(() => checkCellDose('arm "A"', 1_000_000, infusion(53_900_000, 1_000_000), 60, 'w'));
    expect(low.diagnostics).toContain('the dose is 53900000 {cells}, but arm "A"\'s 1000000 {cells}/kg x 60 kg (w) is 60000000 {cells}: -10.2 %');
    expect(low.diagnostics).toContain('(54000000 to 66000000)');
    expect(low.expression).toEqual(['MedicationAdministration.dosage.dose.value']);
  });

  test('when a cell infusion has no dose per kg, or another than the arm\'s, then it is refused at the extension', () => {
    expect(refusal(() => checkCellDose('arm "A"', 3_000_000, infusion(180_000_000), 60, 'w')).diagnostics).toContain('records its dose per kg');
    const wrong = refusal(() => checkCellDose('arm "A"', 3_000_000, infusion(60_000_000, 1_000_000), 60, 'w'));
    expect(wrong.diagnostics).toContain('the dose per kg is 1000000 {cells}/kg, but arm "A" plans 3000000 {cells}/kg');
    expect(wrong.expression).toEqual(['MedicationAdministration.dosage.extension']);
  });

  test('when placebo is expected, then cells, a product not named placebo, or a dose per kg are refused', () => {
    expect(() => checkProduct('placebo', 'M3', infusion(0, undefined, 'Placebo'), 'Placebo')).not.toThrow();
    expect(refusal(() => checkProduct('placebo', 'M3', infusion(5, undefined, 'Placebo'), 'Placebo')).diagnostics).toContain('gives 5 {cells}');
    expect(refusal(() => checkProduct('placebo', 'M3', infusion(0), 'UCMSC')).expression).toEqual(['MedicationAdministration.medication']);
    expect(refusal(() => checkProduct('placebo', 'M3', infusion(0, 1_000_000, 'Placebo'), 'Placebo')).diagnostics).toContain('no dose per kg');
  });

  test('when cells are expected, then 0 cells or the placebo product are refused', () => {
    expect(() => checkProduct('cells', 'M0', infusion(5), 'UCMSC')).not.toThrow();
    expect(refusal(() => checkProduct('cells', 'M0', infusion(0), 'UCMSC')).diagnostics).toContain('0 {cells} (placebo)');
    expect(refusal(() => checkProduct('cells', 'M0', infusion(5, 1, 'Placebo'), 'Placebo')).diagnostics).toContain('the infused product is "Placebo"');
  });

  test('when the product is contained, or a code, then its name is read from it; weights convert from g and [lb_av]', () => {
    expect(productNameOf(infusion(0, undefined, 'Placebo'))).toBe('Placebo');
    expect(productNameOf({ ...infusion(0), contained: undefined, medicationReference: undefined, medicationCodeableConcept: { coding: [{ display: 'UCMSC' }] } })).toBe('UCMSC');
    const weight = (value: number, code: string) => ({ resourceType: 'Observation' as const, status: 'final' as const, code: {}, valueQuantity: { value, code } });
    expect(weightInKg(weight(70_000, 'g'))).toBe(70);
    expect(weightInKg(weight(100, '[lb_av]'))).toBeCloseTo(45.359, 3);
    expect(weightInKg(weight(70, 'cm'))).toBeUndefined();
  });
});

describe('enrolment at the infusion date', () => {
  const subject = (status: ResearchSubject['status'], period: { start?: string; end?: string }, arm = 'A'): ResearchSubject => ({ resourceType: 'ResearchSubject', id: 's', status, period, study: {}, individual: {}, assignedArm: arm });

  test('when the subject is on study, in follow-up or off study and the day is within its period, then it was on study', () => {
    for (const status of ['on-study', 'on-study-intervention', 'follow-up', 'off-study'] as const) {
      expect({ status, refusal: judgeEnrolment(subject(status, { start: '2024-01-02', end: '2024-12-31' }), '2024-01-10') }).toEqual({ status, refusal: undefined });
    }
  });

  test('when the day is outside the period, or the status is before registration, then it was not', () => {
    expect(judgeEnrolment(subject('on-study', { start: '2024-01-11' }), '2024-01-10')).toContain('from 2024-01-11, after the infusion');
    expect(judgeEnrolment(subject('off-study', { start: '2023-01-01', end: '2023-12-31' }), '2024-01-10')).toContain('ended on 2023-12-31');
    for (const status of ['candidate', 'screening', 'eligible', 'ineligible', 'pending-on-study'] as const) {
      expect(judgeEnrolment(subject(status, {}), '2024-01-10')).toContain('not on study');
    }
  });

  test('when the subject withdrew, then an infusion up to the withdrawal is accepted and a later one refused', () => {
    expect(judgeEnrolment(subject('withdrawn', { start: '2024-01-02', end: '2024-02-01' }), '2024-01-10')).toBeUndefined();
    expect(judgeEnrolment(subject('withdrawn', { start: '2024-01-02', end: '2024-01-05' }), '2024-01-10')).toContain('withdrawn since 2024-01-05');
    expect(judgeEnrolment(subject('withdrawn', { start: '2024-01-02' }), '2024-01-10')).toContain('no period.end');
  });
});

describe('TRSAE', () => {
  function event(grade: string, relatedness: string, core = false): AdverseEvent {
    const causality = { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: relatedness }] } }] };
    return {
      resourceType: 'AdverseEvent',
      id: 'ae',
      actuality: 'actual',
      subject: { reference: 'Patient/p' },
      date: '2024-01-12T14:00:00Z',
      extension: [
        { url: `${AE}ae-grade`, valueCodeableConcept: { coding: [{ system: NCIT, code: grade }] } },
        ...(core ? [] : [{ url: `${AE}suspect-entity`, extension: [{ url: 'instance', valueReference: { reference: 'MedicationAdministration/m0' } }, causality] }]),
      ],
      ...(core ? { suspectEntity: [{ instance: { reference: 'MedicationAdministration/m0' }, causality: [{ assessment: { coding: [{ system: NCIT, code: relatedness }] } }] }] } : {}),
    };
  }

  test('when grade 3, 4 or 5 is related or possibly related to an infusion, then it is a TRSAE candidate, by the IG extension or core suspectEntity', () => {
    for (const grade of ['C41340', 'C41337', 'C48275']) {
      for (const relatedness of ['C53260', 'C53258']) {
        expect(severeRelatedEvent(event(grade, relatedness))?.infusionIds).toEqual(['m0']);
      }
    }
    expect(severeRelatedEvent(event('C41340', 'C53260', true))).toMatchObject({ grade: 'C41340', relatedness: 'C53260', infusionIds: ['m0'] });
  });

  test('when grade 1 or 2, or not related or unlikely related, then it is not', () => {
    expect(severeRelatedEvent(event('C41339', 'C53260'))).toBeUndefined();
    expect(severeRelatedEvent(event('C41340', 'C53256'))).toBeUndefined();
    expect(severeRelatedEvent(event('C41340', 'C53257'))).toBeUndefined();
  });

  test('when the event names the patient, or one of its ResearchSubjects by research-subject-ref, then it concerns the patient', () => {
    const byRef: AdverseEvent = { ...event('C41340', 'C53260'), subject: { reference: 'Group/g' }, extension: [{ url: `${AE}research-subject-ref`, valueReference: { reference: 'ResearchSubject/s' } }] };
    expect(concernsPatient(event('C41340', 'C53260'), 'p', [])).toBe(true);
    expect(concernsPatient(byRef, 'p', ['s'])).toBe(true);
    expect(concernsPatient(byRef, 'p', ['other'])).toBe(false);
  });
});
