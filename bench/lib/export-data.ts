import { randomUUID } from 'node:crypto';
import type { AdverseEvent, Group, MedicationAdministration, Observation, Patient, ResearchStudy, ResearchSubject, Resource } from '@medplum/fhirtypes';
import { gradeExtensions, LOINC, PATIENT_SYSTEM, seededRandom } from './search-data';

/**
 * The bench:export data set: what a study's registry export holds. Two studies, each with its
 * enrollment Group (type person, as the ctgov import writes it; membership is by ResearchSubject),
 * Patients (1 % of the resources), one ResearchSubject each, and their data: Observations (most of it),
 * AdverseEvents (2.5 %) and MedicationAdministrations (1.5 %). The small study holds a tenth of the
 * patients, so its Group export is a tenth of the data. Seeded values, so every run has the same shape
 * (ids are random UUIDs, as a server assigns).
 */

export interface ExportDatasetSize {
  resources: number;
}

export interface ExportDataset {
  resources: Generator<Resource>;
  total: number;
  /** Resources per type, all studies. */
  counts: Record<string, number>;
}

const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
const UCUM = 'http://unitsofmeasure.org';
const SMALL_STUDY_EVERY = 10;
/** The small study's name: bench:export finds it, and its Group, by it. */
export const SMALL_STUDY = 'BENCH-EXPORT-2';
const LABS = [
  { code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', low: 8, high: 17.5 },
  { code: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*9/L', low: 40, high: 450 },
  { code: '751-8', display: 'Neutrophils [#/volume] in Blood by Automated count', unit: '10*9/L', low: 0.5, high: 9 },
  { code: '1742-6', display: 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 5, high: 110 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', low: 45, high: 120 },
] as const;
const FIRST_DAY = Date.UTC(2023, 0, 1);
const SPAN_MS = Date.UTC(2026, 10, 1) - FIRST_DAY;

/** How many of each type `resources` makes (exactly `resources` in all). */
export function exportCounts(resources: number): Record<string, number> {
  const patients = Math.max(SMALL_STUDY_EVERY, Math.round(resources * 0.01));
  const fixed = { ResearchStudy: 2, Group: 2, Patient: patients, ResearchSubject: patients, AdverseEvent: Math.round(resources * 0.025), MedicationAdministration: Math.round(resources * 0.015) };
  const rest = resources - Object.values(fixed).reduce((a, b) => a + b, 0);
  if (rest < patients) throw new Error(`--resources ${resources} is too few for the data set's mix`);
  return { ...fixed, Observation: rest };
}

export function exportDataset(size: ExportDatasetSize, seed = 20261203): ExportDataset {
  const counts = exportCounts(size.resources);
  const patients = counts.Patient;
  const studies = [randomUUID(), randomUUID()];
  const groups = [randomUUID(), randomUUID()];
  const patientIds = Array.from({ length: patients }, () => randomUUID());
  const studyOf = (p: number) => (p % SMALL_STUDY_EVERY === 0 ? 1 : 0);

  function* resources(): Generator<Resource> {
    const random = seededRandom(seed);
    for (let s = 0; s < 2; s++) {
      yield group(groups[s], s);
      yield study(studies[s], groups[s], s);
    }
    for (let p = 0; p < patients; p++) yield patient(patientIds[p], p);
    for (let p = 0; p < patients; p++) yield subject(patientIds[p], studies[studyOf(p)], p);
    const perPatient = (type: string, make: (patientId: string, studyId: string, at: number, n: number) => Resource) =>
      function* (): Generator<Resource> {
        for (let n = 0; n < counts[type]; n++) {
          const p = n % patients;
          yield make(patientIds[p], studies[studyOf(p)], FIRST_DAY + Math.floor(random() * SPAN_MS), n);
        }
      };
    yield* perPatient('Observation', (pid, sid, at, n) => observation(pid, sid, at, n, random()))();
    yield* perPatient('AdverseEvent', (pid, sid, at) => adverseEvent(pid, sid, at, random()))();
    yield* perPatient('MedicationAdministration', medicationAdministration)();
  }
  return { resources: resources(), total: size.resources, counts };
}

function group(id: string, s: number): Group {
  return { resourceType: 'Group', id, type: 'person', actual: false, name: `bench:export study ${s + 1} enrollment`, quantity: 0 };
}

function study(id: string, groupId: string, s: number): ResearchStudy {
  return {
    resourceType: 'ResearchStudy',
    id,
    identifier: [{ system: 'https://stroma-fhir.org/fhir/sid/bench-study', value: s === 1 ? SMALL_STUDY : `BENCH-EXPORT-${s + 1}` }],
    title: `bench:export study ${s + 1}`,
    status: 'active',
    enrollment: [{ reference: `Group/${groupId}` }],
  };
}

function patient(id: string, p: number): Patient {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: PATIENT_SYSTEM, value: `EXP-${String(p).padStart(7, '0')}` }],
    name: [{ family: `Bench${p}`, given: ['Export'] }],
    gender: p % 2 === 0 ? 'female' : 'male',
    birthDate: new Date(Date.UTC(1950 + (p % 50), p % 12, 1 + (p % 28))).toISOString().slice(0, 10),
  };
}

function subject(patientId: string, studyId: string, p: number): ResearchSubject {
  return {
    resourceType: 'ResearchSubject',
    status: 'on-study',
    period: { start: new Date(FIRST_DAY + (p % 365) * 86_400_000).toISOString().slice(0, 10) },
    study: { reference: `ResearchStudy/${studyId}` },
    individual: { reference: `Patient/${patientId}` },
    assignedArm: p % 2 === 0 ? 'Placebo' : 'Active',
  };
}

const when = (ms: number) => new Date(ms - (ms % 60_000)).toISOString().replace('.000Z', 'Z');

function observation(patientId: string, studyId: string, at: number, n: number, r: number): Observation {
  const lab = LABS[n % LABS.length];
  return {
    resourceType: 'Observation',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: `ResearchStudy/${studyId}` } }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: lab.code === '29463-7' ? 'vital-signs' : 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code: lab.code, display: lab.display }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when(at),
    valueQuantity: { value: Math.round((lab.low + r * (lab.high - lab.low)) * 10) / 10, unit: lab.unit, system: UCUM, code: lab.unit },
  };
}

function adverseEvent(patientId: string, studyId: string, at: number, r: number): AdverseEvent {
  const grade = 1 + Math.floor(r * r * 5);
  return {
    resourceType: 'AdverseEvent',
    extension: gradeExtensions(grade, grade >= 3),
    actuality: 'actual',
    event: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/mdr', code: '10016256', display: 'Fatigue' }], text: 'Fatigue' },
    subject: { reference: `Patient/${patientId}` },
    date: when(at),
    seriousness: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: grade >= 3 ? 'serious' : 'non-serious' }] },
    study: [{ reference: `ResearchStudy/${studyId}` }],
  };
}

function medicationAdministration(patientId: string, studyId: string, at: number, n: number): MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: `ResearchStudy/${studyId}` } }],
    status: 'completed',
    medicationCodeableConcept: { text: n % 2 === 0 ? 'Autologous MSC infusion' : 'Placebo infusion' },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when(at),
    dosage: { dose: { value: 1, unit: '10*6/kg', system: UCUM, code: '10*6/kg' }, route: { text: 'intravenous' } },
  };
}
