import type { AdverseEvent } from '@medplum/fhirtypes';
import { AE_IG_SD, breaking, dropExtension, extensionOf, type ProfileCase } from './profile-case';

/** The synthetic flushing (non-serious) and pneumonia (serious) AdverseEvents, each constraint broken once. */
const flushing = (name: string, breakIt: (r: AdverseEvent) => void, expression: string, finding: string): ProfileCase =>
  breaking<AdverseEvent>('AdverseEvent-synthetic-ae-flushing', name, breakIt, expression, finding);
const serious = (name: string, breakIt: (r: AdverseEvent) => void, expression: string, finding: string): ProfileCase =>
  breaking<AdverseEvent>('AdverseEvent-synthetic-ae-serious', name, breakIt, expression, finding);

const AE = 'AdverseEvent';
const grade = (r: AdverseEvent) => extensionOf(r, `${AE_IG_SD}ae-grade`);
const suspect = (r: AdverseEvent) => extensionOf(r, `${AE_IG_SD}suspect-entity`);
const criterion = (r: AdverseEvent) => extensionOf(r, `${AE_IG_SD}seriousness-criteria`);
const CRITERION = {
  url: `${AE_IG_SD}seriousness-criteria`,
  extension: [
    { url: 'criterionCode', valueCodeableConcept: { coding: [{ system: 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl', code: 'C83052' }] } },
    { url: 'criterionPresent', valueBoolean: true },
  ],
};

export const ADVERSE_EVENT_CASES: ProfileCase[] = [
  flushing('no CTCAE grade', (r) => dropExtension(r, `${AE_IG_SD}ae-grade`), AE, "Slice 'AdverseEvent.extension:ae-grade': a matching slice is required"),
  flushing('a grade outside CTCAE grades', (r) => (grade(r).valueCodeableConcept!.coding![0].code = 'C41336'), `${AE}.extension[0].value.ofType(CodeableConcept)`, 'ctcae-grade'),
  flushing('a potential event', (r) => (r.actuality = 'potential'), `${AE}.actuality`, 'actual'),
  flushing('a subject that is a Group', (r) => (r.subject = { reference: 'Group/g' }), `${AE}.subject`, 'is not a valid Target'),
  flushing('no event', (r) => delete r.event, AE, 'AdverseEvent.event: minimum required'),
  flushing('an event not in MedDRA', (r) => (r.event!.coding = [{ system: 'http://snomed.info/sct', code: '237442006' }]), `${AE}.event`, 'stroma-event-meddra'),
  flushing('an event without text', (r) => delete r.event!.text, `${AE}.event`, 'AdverseEvent.event.text: minimum required'),
  flushing('no onset date', (r) => delete r.date, AE, 'AdverseEvent.date: minimum required'),
  flushing('no seriousness', (r) => delete r.seriousness, AE, 'AdverseEvent.seriousness: minimum required'),
  flushing('a seriousness outside serious/non-serious', (r) => (r.seriousness!.coding![0].code = 'mild'), `${AE}.seriousness`, 'adverse-event-seriousness-non-only-vs'),
  flushing('no outcome', (r) => delete r.outcome, AE, 'AdverseEvent.outcome: minimum required'),
  flushing('an outcome outside the NCIt outcomes', (r) => (r.outcome = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome', code: 'resolved' }] }), `${AE}.outcome`, 'ae-outcome'),
  flushing('a core severity', (r) => (r.severity = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-severity', code: 'mild' }] }), AE, 'AdverseEvent.severity: max allowed = 0'),
  flushing('a core suspectEntity', (r) => (r.suspectEntity = [{ instance: { reference: 'MedicationAdministration/x' } }]), AE, 'AdverseEvent.suspectEntity: max allowed = 0'),
  flushing('no study', (r) => delete r.study, AE, 'AdverseEvent.study: minimum required'),
  flushing('non-serious with a criterion present', (r) => r.extension!.push(CRITERION), AE, 'stroma-serious-iff-criterion'),
  flushing('a relatedness outside the NCIt values', (r) => (suspect(r).extension![1].extension![0].valueCodeableConcept!.coding![0].code = 'C53259'), `${AE}.extension[1].extension[1].extension[0].value.ofType(CodeableConcept)`, 'ae-relatedness'),
  flushing('a suspect entity without instance', (r) => (suspect(r).extension = suspect(r).extension!.filter((e) => e.url !== 'instance')), `${AE}.extension[1]`, "Slice 'Extension.extension:instance': a matching slice is required"),
  serious('serious without a criterion', (r) => dropExtension(r, `${AE_IG_SD}seriousness-criteria`), AE, 'stroma-serious-iff-criterion'),
  serious('a criterion outside the NCIt criteria', (r) => (criterion(r).extension![0].valueCodeableConcept!.coding![0].code = 'C00000'), `${AE}.extension[1].extension[0].value.ofType(CodeableConcept)`, 'ae-seriousness-criteria'),
  serious('a criterion without presence', (r) => (criterion(r).extension = criterion(r).extension!.filter((e) => e.url !== 'criterionPresent')), `${AE}.extension[1]`, "Slice 'Extension.extension:criterionPresent': a matching slice is required"),
];
