import type { AdverseEvent, CodeableConcept, Extension } from '@medplum/fhirtypes';

const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
export const RESEARCH_SUBJECT_REF = `${AE_IG}research-subject-ref`;

/** CTCAE grades 3, 4 and 5 (NCIt), DOMAIN.md. */
const SEVERE_GRADES = new Set(['C41340', 'C41337', 'C48275']);
/** Related (C53260) or possibly related (C53258): DOMAIN.md's "treatment related"; C53257 unlikely does not count. */
const TREATMENT_RELATED = new Set(['C53260', 'C53258']);

/** What makes an adverse event a TRSAE, for the message that names it. */
export interface TrsaeFinding {
  event: AdverseEvent;
  grade: string;
  relatedness: string;
  /** The MedicationAdministration ids the event is related to. */
  infusionIds: string[];
  onset: string;
}

/**
 * NCIt codes of a concept. Rules run after validation, but an element that should be an array and is
 * not still counts as absent here rather than throwing.
 */
function ncitCodes(concept: CodeableConcept | undefined): string[] {
  const codings = Array.isArray(concept?.coding) ? concept.coding : [];
  return codings.filter((c) => c.system === NCIT && c.code).map((c) => c.code as string);
}

function sub(extension: Extension, url: string): Extension | undefined {
  return Array.isArray(extension.extension) ? extension.extension.find((e) => e.url === url) : undefined;
}

/** Each suspect entity's instance reference and relatedness codes: the IG's extension, and core R4 suspectEntity. */
function causalities(event: AdverseEvent): { instance?: string; relatedness: string[] }[] {
  const fromExtension = (Array.isArray(event.extension) ? event.extension : [])
    .filter((e) => e.url === `${AE_IG}suspect-entity`)
    .map((e) => {
      const causality = sub(e, 'causality');
      const relatedness = causality ? sub(causality, 'entityRelatedness')?.valueCodeableConcept : undefined;
      return { instance: sub(e, 'instance')?.valueReference?.reference, relatedness: ncitCodes(relatedness) };
    });
  const fromCore = (Array.isArray(event.suspectEntity) ? event.suspectEntity : []).map((s) => ({
    instance: s.instance?.reference,
    relatedness: (Array.isArray(s.causality) ? s.causality : []).flatMap((c) => ncitCodes(c.assessment)),
  }));
  return [...fromExtension, ...fromCore];
}

/** The event's CTCAE grade code when it is 3 or more (the ae-grade extension), else undefined. */
export function severeGradeOf(event: AdverseEvent): string | undefined {
  const grades = Array.isArray(event.extension) ? event.extension.filter((e) => e.url === `${AE_IG}ae-grade`) : [];
  return grades.flatMap((e) => ncitCodes(e.valueCodeableConcept)).find((c) => SEVERE_GRADES.has(c));
}

/** The suspect entities the event is treatment related to (related or possibly related). */
export function relatedCausalities(event: AdverseEvent): { instance?: string; relatedness: string[] }[] {
  return causalities(event).filter((c) => c.relatedness.some((r) => TREATMENT_RELATED.has(r)));
}

/** When the event began: R4 AdverseEvent.date, else when it was detected or recorded. */
export function onsetOf(event: AdverseEvent): string | undefined {
  return event.date ?? event.detected ?? event.recordedDate;
}

/**
 * The event as a TRSAE candidate: CTCAE grade >= 3 and treatment related to some MedicationAdministration
 * (whether that is one of the study's infusions is for the caller to check); undefined otherwise.
 */
export function severeRelatedEvent(event: AdverseEvent): TrsaeFinding | undefined {
  const grade = severeGradeOf(event);
  const onset = onsetOf(event);
  if (!grade || !onset || event.actuality === 'potential') return undefined;
  const related = relatedCausalities(event);
  const infusionIds = related.flatMap((c) => /(?:^|\/)MedicationAdministration\/([^/]+)$/.exec(c.instance ?? '')?.[1] ?? []);
  if (infusionIds.length === 0) return undefined;
  const relatedness = related.flatMap((c) => c.relatedness).find((r) => TREATMENT_RELATED.has(r)) as string;
  return { event, grade, relatedness, infusionIds, onset };
}

/** Whether the event is about this patient: AdverseEvent.subject, or research-subject-ref to one of its ResearchSubjects. */
export function concernsPatient(event: AdverseEvent, patientId: string, researchSubjectIds: readonly string[]): boolean {
  if (/(?:^|\/)Patient\/([^/]+)$/.exec(event.subject?.reference ?? '')?.[1] === patientId) return true;
  const ref = (event.extension ?? []).find((e) => e.url === RESEARCH_SUBJECT_REF)?.valueReference?.reference;
  const subjectId = /(?:^|\/)ResearchSubject\/([^/]+)$/.exec(ref ?? '')?.[1];
  return subjectId !== undefined && researchSubjectIds.includes(subjectId);
}
