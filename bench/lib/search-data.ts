import { randomUUID } from 'node:crypto';
import type { AdverseEvent, Coding, Extension, Observation, Patient, ResearchStudy, Resource } from '@medplum/fhirtypes';

/**
 * The bench:search data set: Patients with an identifier, their lab Observations over several years,
 * ResearchStudies and AdverseEvents with a CTCAE grade, shaped by ../shared/design/DOMAIN.md.
 * Synthetic and seeded, so every run loads the same shape (ids are random UUIDs, as a server assigns).
 */

export interface DatasetSize {
  patients: number;
  observations: number;
  adverseEvents: number;
  studies: number;
}

export const PATIENT_SYSTEM = 'urn:oid:2.16.840.1.113883.3.9999.2';
export const LOINC = 'http://loinc.org';
export const HEMOGLOBIN = '718-7';
const UCUM = 'http://unitsofmeasure.org';
const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const MEDDRA = 'http://terminology.hl7.org/CodeSystem/mdr';
const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
export const AE_GRADE_URL = `${AE_IG}ae-grade`;
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
const STUDY_SYSTEM = 'https://stroma-fhir.org/fhir/sid/bench-study';

/** CTCAE grade -> NCIt code (DOMAIN.md `ae-grade`). */
export const GRADE_CODES: Record<number, string> = { 1: 'C41338', 2: 'C41339', 3: 'C41340', 4: 'C41337', 5: 'C48275' };

/** An AE's ae-grade extension and, when serious, the seriousness criterion DOMAIN.md requires with it (here: hospitalization). */
export function gradeExtensions(grade: number, serious: boolean): Extension[] {
  const extension: Extension[] = [
    { url: AE_GRADE_URL, valueCodeableConcept: { coding: [{ system: NCIT, code: GRADE_CODES[grade], display: `Grade ${grade}` }] } },
  ];
  if (serious) {
    extension.push({
      url: `${AE_IG}seriousness-criteria`,
      extension: [
        { url: 'criterionCode', valueCodeableConcept: { coding: [{ system: NCIT, code: 'C83052', display: 'Hospitalization' }] } },
        { url: 'criterionPresent', valueBoolean: true },
      ],
    });
  }
  return extension;
}
/** Share of adverse events per grade: mostly mild, as in the trials' safety tables. */
const GRADE_WEIGHTS = [0, 0.4, 0.3, 0.2, 0.08, 0.02];

interface Lab {
  code: string;
  display: string;
  unit: string;
  low: number;
  high: number;
  category: 'laboratory' | 'vital-signs';
}

const HEMOGLOBIN_LAB: Lab = { code: HEMOGLOBIN, display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', low: 8, high: 17.5, category: 'laboratory' };
/**
 * The labs a participant's visits produce, in turn. Hemoglobin is 3 of 10 (a blood count at most
 * visits), so a patient's hemoglobin history is a realistic page of results rather than a handful.
 */
const LABS: readonly Lab[] = [
  HEMOGLOBIN_LAB,
  { code: '4537-7', display: 'Erythrocyte sedimentation rate by Westergren method', unit: 'mm/h', low: 2, high: 80, category: 'laboratory' },
  HEMOGLOBIN_LAB,
  { code: '1920-8', display: 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 8, high: 120, category: 'laboratory' },
  { code: '1742-6', display: 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 5, high: 110, category: 'laboratory' },
  HEMOGLOBIN_LAB,
  { code: '1975-2', display: 'Bilirubin.total [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.2, high: 3, category: 'laboratory' },
  { code: '751-8', display: 'Neutrophils [#/volume] in Blood by Automated count', unit: '10*9/L', low: 0.5, high: 9, category: 'laboratory' },
  { code: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*9/L', low: 40, high: 450, category: 'laboratory' },
  { code: '29463-7', display: 'Body weight', unit: 'kg', low: 45, high: 120, category: 'vital-signs' },
];

const AE_TERMS: readonly Coding[] = [
  { system: MEDDRA, code: '10028813', display: 'Nausea' },
  { system: MEDDRA, code: '10016256', display: 'Fatigue' },
  { system: MEDDRA, code: '10037660', display: 'Pyrexia' },
  { system: MEDDRA, code: '10012735', display: 'Diarrhoea' },
  { system: MEDDRA, code: '10002272', display: 'Anaemia' },
  { system: MEDDRA, code: '10029354', display: 'Neutropenia' },
];

/** Effective dates: 2019-01-01 up to 2025-01-01, so `ge2024-01-01` keeps a sixth of them. */
const FIRST_DAY = Date.UTC(2019, 0, 1);
const SPAN_MS = Date.UTC(2025, 0, 1) - FIRST_DAY;

/** mulberry32: a small seeded PRNG, so every run draws the same values. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function totalResources(size: DatasetSize): number {
  return size.studies + size.patients + size.observations + size.adverseEvents;
}

/**
 * Every resource of the data set, in an order that lets references point backwards: studies,
 * patients, then Observations (patient j % patients gets the j-th one, labs in turn), then
 * adverse events. A generator, so a million Observations never sit in memory at once.
 */
export function* dataset(size: DatasetSize, seed = 20261124): Generator<Resource> {
  const random = seededRandom(seed);
  const studyIds = Array.from({ length: size.studies }, () => randomUUID());
  for (const [i, id] of studyIds.entries()) yield study(id, i);
  const patientIds = Array.from({ length: size.patients }, () => randomUUID());
  for (const [i, id] of patientIds.entries()) yield patient(id, i);
  const visits = Math.ceil(size.observations / size.patients);
  for (let j = 0; j < size.observations; j++) {
    const p = j % size.patients;
    const visit = Math.floor(j / size.patients);
    // A patient's k-th result falls in the k-th of `visits` equal slices of the six years, as
    // visits spread over a trial: each patient has results in every year, 2024 included.
    const effective = FIRST_DAY + Math.floor(((visit + random()) / visits) * SPAN_MS);
    yield observation(LABS[visit % LABS.length], patientIds[p], studyIds[p % size.studies], effective, random);
  }
  for (let k = 0; k < size.adverseEvents; k++) {
    const p = Math.floor(random() * size.patients);
    yield adverseEvent(patientIds[p], studyIds[p % size.studies], random);
  }
}

function study(id: string, i: number): ResearchStudy {
  return {
    resourceType: 'ResearchStudy',
    id,
    identifier: [{ system: STUDY_SYSTEM, value: `BENCH-STUDY-${i + 1}` }],
    title: `bench:search study ${i + 1}`,
    status: 'active',
  };
}

function patient(id: string, i: number): Patient {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: PATIENT_SYSTEM, value: `SRCH-${String(i).padStart(6, '0')}` }],
    active: true,
    gender: i % 2 === 0 ? 'female' : 'male',
    birthDate: new Date(Date.UTC(1950 + (i % 50), i % 12, 1 + (i % 28))).toISOString().slice(0, 10),
  };
}

function observation(lab: Lab, patientId: string, studyId: string, effectiveMs: number, random: () => number): Observation {
  const effective = new Date(effectiveMs);
  effective.setUTCSeconds(0, 0);
  const value = Math.round((lab.low + random() * (lab.high - lab.low)) * 10) / 10;
  return {
    resourceType: 'Observation',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: `ResearchStudy/${studyId}` } }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: lab.category }] }],
    code: { coding: [{ system: LOINC, code: lab.code, display: lab.display }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: effective.toISOString().replace('.000Z', 'Z'),
    valueQuantity: { value, unit: lab.unit, system: UCUM, code: lab.unit },
  };
}

function adverseEvent(patientId: string, studyId: string, random: () => number): AdverseEvent {
  const grade = pickGrade(random());
  const term = AE_TERMS[Math.floor(random() * AE_TERMS.length)];
  const serious = grade >= 3;
  const extension = gradeExtensions(grade, serious);
  return {
    resourceType: 'AdverseEvent',
    extension,
    actuality: 'actual',
    event: { coding: [term], text: term.display },
    subject: { reference: `Patient/${patientId}` },
    date: new Date(FIRST_DAY + Math.floor(random() * SPAN_MS)).toISOString().slice(0, 10),
    seriousness: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: serious ? 'serious' : 'non-serious' }],
    },
    study: [{ reference: `ResearchStudy/${studyId}` }],
  };
}

function pickGrade(r: number): number {
  let acc = 0;
  for (let grade = 1; grade <= 5; grade++) {
    acc += GRADE_WEIGHTS[grade];
    if (r < acc) return grade;
  }
  return 5;
}

/** The CTCAE grade an AdverseEvent carries in its ae-grade extension (undefined without one). */
export function gradeOf(event: AdverseEvent): number | undefined {
  const code = event.extension?.find((e) => e.url === AE_GRADE_URL)?.valueCodeableConcept?.coding?.[0]?.code;
  const entry = Object.entries(GRADE_CODES).find(([, c]) => c === code);
  return entry ? Number(entry[0]) : undefined;
}
