import type { Medication, MedicationAdministration, Patient, ResearchSubject } from '@medplum/fhirtypes';
import { breaking, dropExtension, DOSE_PER_KG, STUDY_EXTENSION, type ProfileCase } from './profile-case';

/** The synthetic participant's Patient, ResearchSubject and infusions, each constraint broken once. */
const subject = (name: string, breakIt: (r: ResearchSubject) => void, expression: string, finding: string): ProfileCase =>
  breaking<ResearchSubject>('ResearchSubject-synthetic-subject-1', name, breakIt, expression, finding);
const patient = (name: string, breakIt: (r: Patient) => void, expression: string, finding: string): ProfileCase =>
  breaking<Patient>('Patient-synthetic-participant-1', name, breakIt, expression, finding);
const infusion = (name: string, breakIt: (r: MedicationAdministration) => void, expression: string, finding: string): ProfileCase =>
  breaking<MedicationAdministration>('MedicationAdministration-synthetic-ucmsc-infusion-1', name, breakIt, expression, finding);
const placebo = (name: string, breakIt: (r: MedicationAdministration) => void, expression: string, finding: string): ProfileCase =>
  breaking<MedicationAdministration>('MedicationAdministration-synthetic-placebo-infusion-1', name, breakIt, expression, finding);

const MA = 'MedicationAdministration';
/** Where the engine reports inside the contained product (the HL7 Java validator's notation). */
const PRODUCT = `${MA}.contained[0]/*Medication/synthetic-ucmsc-product-1*/`;
const product = (r: MedicationAdministration) => r.contained![0] as Medication;

export const PARTICIPANT_CASES: ProfileCase[] = [
  subject('on study without an arm', (r) => delete r.assignedArm, 'ResearchSubject', 'stroma-arm-once-on-study'),
  subject('in follow-up without an arm', (r) => {
    r.status = 'follow-up';
    delete r.assignedArm;
  }, 'ResearchSubject', 'stroma-arm-once-on-study'),
  subject('on study without consent', (r) => delete r.consent, 'ResearchSubject', 'stroma-consent-once-on-study'),
  subject('an individual that is not a Patient', (r) => (r.individual = { reference: 'Group/g' }), 'ResearchSubject.individual', 'is not a valid Target'),
  patient('a participant without identifier', (r) => delete r.identifier, 'Patient', 'Patient.identifier: minimum required'),
  patient('an identifier without system', (r) => delete r.identifier![0].system, 'Patient.identifier[0]', 'Patient.identifier.system: minimum required'),
  infusion('no study link', (r) => dropExtension(r, STUDY_EXTENSION), MA, "Slice 'MedicationAdministration.extension:study': a matching slice is required"),
  infusion('a subject that is a Group', (r) => (r.subject = { reference: 'Group/g' }), `${MA}.subject`, 'is not a valid Target'),
  infusion('a product by code only (no lot)', (r) => {
    delete r.medicationReference;
    delete r.contained;
    r.medicationCodeableConcept = { text: 'UCMSC' };
  }, MA, 'The type of element medicationCodeableConcept is not known'),
  infusion('a route other than intravenous', (r) => (r.dosage!.route!.coding![0].code = '26643006'), `${MA}.dosage.route`, 'pattern'),
  infusion('no route', (r) => delete r.dosage!.route, `${MA}.dosage`, 'MedicationAdministration.dosage.route: minimum required'),
  infusion('no dose', (r) => delete r.dosage!.dose, `${MA}.dosage`, 'MedicationAdministration.dosage.dose: minimum required'),
  infusion('a dose without number', (r) => delete r.dosage!.dose!.value, `${MA}.dosage.dose`, 'MedicationAdministration.dosage.dose.value: minimum required'),
  infusion('a dose in mL instead of cells', (r) => (r.dosage!.dose!.code = 'mL'), `${MA}.dosage.dose.code`, '{cells}'),
  infusion('a dose outside UCUM', (r) => (r.dosage!.dose!.system = 'http://example.org/units'), `${MA}.dosage.dose.system`, 'http://unitsofmeasure.org'),
  infusion('a fractional cell count', (r) => (r.dosage!.dose!.value = 62000000.5), `${MA}.dosage.dose`, 'stroma-cells-whole'),
  infusion('cells without dose per kg', (r) => dropExtension(r.dosage!, DOSE_PER_KG), MA, 'stroma-cells-have-dose-per-kg'),
  placebo('a placebo with a dose per kg', (r) => (r.dosage!.extension = [{ url: DOSE_PER_KG, valueQuantity: { value: 1000000, system: 'http://unitsofmeasure.org', code: '{cells}/kg' } }]), MA, 'stroma-cells-have-dose-per-kg'),
  infusion('no body weight', (r) => delete r.supportingInformation, MA, 'MedicationAdministration.supportingInformation: minimum required'),
  infusion('supporting information that is not an Observation', (r) => (r.supportingInformation = [{ reference: 'Patient/synthetic-participant-1' }]), `${MA}.supportingInformation[0]`, 'is not a valid Target'),
  infusion('a product without lot', (r) => delete product(r).batch, PRODUCT, 'Medication.batch: minimum required'),
  infusion('a product without name', (r) => delete product(r).code, PRODUCT, 'Medication.code: minimum required'),
  infusion('a volume in L', (r) => (product(r).amount!.numerator!.code = 'L'), `${PRODUCT}.amount.numerator.code`, 'mL'),
  infusion('a product without vehicle', (r) => (product(r).ingredient = product(r).ingredient!.filter((i) => i.isActive)), PRODUCT, 'stroma-product-vehicle'),
];
