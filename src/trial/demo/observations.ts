import type { Coding, Observation, ObservationComponent, Reference, Patient } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { at, type Day } from './calendar';
import { demoEntry, demoKey, LOINC, quantity, studyExtension, TRIAL_ASSESSMENTS } from './demo-entries';

/** Where a measurement is taken: the subject, the visit and its day. */
export interface VisitContext {
  readonly nctId: string;
  readonly subject: string;
  readonly patient: Reference<Patient>;
  readonly visitId: string;
  readonly day: Day;
}

export type Category = 'vital-signs' | 'laboratory' | 'exam' | 'survey';

/** A measurement: its code (DOMAIN.md's table), category and a short name for its identifier. */
export interface Measure {
  readonly name: string;
  readonly code: Coding;
  readonly category: Category;
}

type ObservationValue = Pick<Observation, 'valueQuantity' | 'valueCodeableConcept' | 'component'>;

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const assessment = (code: string, display: string): Coding => ({ system: TRIAL_ASSESSMENTS, code, display });
const measure = (name: string, code: Coding, category: Category): Measure => ({ name, code, category });

/** DOMAIN.md, "Observations: codes and units". */
export const MEASURES = {
  weight: measure('weight', loinc('29463-7', 'Body weight'), 'vital-signs'),
  bmi: measure('bmi', loinc('39156-5', 'Body mass index (BMI) [Ratio]'), 'vital-signs'),
  mrss: measure('mrss', assessment('mrss', 'Modified Rodnan skin score'), 'exam'),
  esr: measure('esr', loinc('4537-7', 'Erythrocyte sedimentation rate by Westergren method'), 'laboratory'),
  hemoglobin: measure('hemoglobin', loinc('718-7', 'Hemoglobin [Mass/volume] in Blood'), 'laboratory'),
  fvc: measure('fvc', loinc('19872-1', 'FVC % predicted'), 'exam'),
  dlco: measure('dlco', loinc('98130-8', 'DLCO % predicted'), 'exam'),
  egfr: measure('egfr', loinc('62238-1', 'eGFR (CKD-EPI)'), 'laboratory'),
  creatinineClearance: measure('creatinine-clearance', loinc('2164-2', 'Creatinine renal clearance'), 'laboratory'),
  lvef: measure('lvef', loinc('10230-1', 'Left ventricular ejection fraction'), 'exam'),
  pasp: measure('pasp', loinc('8440-0', 'Pulmonary artery systolic pressure'), 'exam'),
  ast: measure('ast', loinc('1920-8', 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma'), 'laboratory'),
  alt: measure('alt', loinc('1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma'), 'laboratory'),
  bilirubin: measure('bilirubin', loinc('1975-2', 'Bilirubin.total [Mass/volume] in Serum or Plasma'), 'laboratory'),
  neutrophils: measure('neutrophils', loinc('751-8', 'Neutrophils [#/volume] in Blood'), 'laboratory'),
  platelets: measure('platelets', loinc('777-3', 'Platelets [#/volume] in Blood'), 'laboratory'),
  cd4: measure('cd4', loinc('24467-3', 'CD4 cells [#/volume] in Blood'), 'laboratory'),
  pregnancy: measure('pregnancy-test', loinc('2106-3', 'Choriogonadotropin (pregnancy test) [Presence] in Urine'), 'laboratory'),
  anaPresence: measure('ana-presence', loinc('8061-4', 'Nuclear Ab [Presence] in Serum'), 'laboratory'),
  anaTiter: measure('ana-titer', loinc('5048-4', 'Nuclear Ab [Titer] in Serum'), 'laboratory'),
  sledai: measure('selena-sledai', assessment('selena-sledai', 'SELENA-SLEDAI'), 'exam'),
  bilagTotal: measure('bilag-total', assessment('bilag-total', 'BILAG total score'), 'exam'),
  bilagOrgan: measure('bilag-organ', assessment('bilag-organ', 'BILAG organ grades'), 'exam'),
  physicianGlobal: measure('physician-global', assessment('physician-global', 'Physician global assessment'), 'exam'),
  eq5dIndex: measure('eq5d-index', { system: 'http://snomed.info/sct', code: '736534008', display: 'EQ-5D index' }, 'survey'),
  eq5dVas: measure('eq5d-vas', { system: 'http://snomed.info/sct', code: '736535009', display: 'EQ-5D visual analogue scale' }, 'survey'),
} as const;

export const SF36_SCALES = ['pf', 'rp', 'bp', 'gh', 'vt', 'sf', 're', 'mh'] as const;

export function sf36Measure(scale: (typeof SF36_SCALES)[number]): Measure {
  return measure(`sf36-${scale}`, assessment(`sf36-${scale}`, `SF-36 ${scale.toUpperCase()} scale`), 'survey');
}

export function observationEntry(ctx: VisitContext, m: Measure, value: ObservationValue, time = '09:00'): KeyedResource {
  const key = demoKey(ctx.nctId, 'subject', ctx.subject, ctx.visitId, m.name);
  const observation: Observation = {
    resourceType: 'Observation',
    identifier: [key],
    extension: [studyExtension(ctx.nctId)],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: m.category }] }],
    code: { coding: [m.code], text: m.code.display },
    subject: ctx.patient,
    effectiveDateTime: at(ctx.day, time),
    ...value,
  };
  return demoEntry(key, observation);
}

/** A quantity in one UCUM unit. */
export function measured(ctx: VisitContext, m: Measure, value: number, unit: string, time?: string): KeyedResource {
  return observationEntry(ctx, m, { valueQuantity: quantity(value, unit) }, time);
}

const QUALITATIVE = {
  positive: { system: 'http://snomed.info/sct', code: '10828004', display: 'Positive' },
  negative: { system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' },
} as const;

export function qualitative(ctx: VisitContext, m: Measure, result: keyof typeof QUALITATIVE): KeyedResource {
  return observationEntry(ctx, m, { valueCodeableConcept: { coding: [QUALITATIVE[result]], text: QUALITATIVE[result].display } });
}

export const BILAG_ORGANS = [
  'constitutional',
  'mucocutaneous',
  'neuropsychiatric',
  'musculoskeletal',
  'cardiorespiratory',
  'gastrointestinal',
  'ophthalmic',
  'renal',
  'haematological',
] as const;
export type BilagGrade = 'a' | 'b' | 'c' | 'd' | 'e';

export function bilagOrgans(ctx: VisitContext, grades: readonly BilagGrade[]): KeyedResource {
  const component: ObservationComponent[] = BILAG_ORGANS.map((organ, i) => ({
    code: { coding: [assessment(`bilag-${organ}`, `BILAG ${organ}`)] },
    valueCodeableConcept: { coding: [assessment(`bilag-${grades[i]}`, `BILAG grade ${grades[i].toUpperCase()}`)] },
  }));
  return observationEntry(ctx, MEASURES.bilagOrgan, { component });
}
