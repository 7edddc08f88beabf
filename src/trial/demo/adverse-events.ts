import type { AdverseEvent, Coding, Extension, MedicationAdministration, ResearchSubject } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { addDays, at, type Day } from './calendar';
import { demoEntry, demoKey, MEDDRA, NCIT, refTo, studyReference } from './demo-entries';
import type { VisitContext } from './observations';

const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition';

/** CTCAE v5 terms as MedDRA codes (DOMAIN.md: CTCAE terms are MedDRA LLTs). */
export const TERMS = {
  flushing: { code: '10016825', display: 'Flushing' },
  nausea: { code: '10028813', display: 'Nausea' },
  headache: { code: '10019211', display: 'Headache' },
  pyrexia: { code: '10037660', display: 'Pyrexia' },
  chills: { code: '10008531', display: 'Chills' },
  asthenia: { code: '10003549', display: 'Asthenia' },
  infusionReaction: { code: '10051792', display: 'Infusion related reaction' },
  uri: { code: '10046306', display: 'Upper respiratory tract infection' },
  uti: { code: '10046571', display: 'Urinary tract infection' },
  diarrhoea: { code: '10012735', display: 'Diarrhoea' },
  fatigue: { code: '10016256', display: 'Fatigue' },
  pneumonia: { code: '10035664', display: 'Pneumonia' },
  // Serious events of severe systemic sclerosis and its treatments (the published dataset's follow-up).
  sepsis: { code: '10040047', display: 'Sepsis' },
  acuteKidneyInjury: { code: '10069339', display: 'Acute kidney injury' },
  atrialFibrillation: { code: '10003658', display: 'Atrial fibrillation' },
  pericardialEffusion: { code: '10034474', display: 'Pericardial effusion' },
  dyspnea: { code: '10013963', display: 'Dyspnea' },
  anemia: { code: '10002272', display: 'Anemia' },
} as const;
export type Term = (typeof TERMS)[keyof typeof TERMS];

export type Grade = 1 | 2 | 3 | 4;
const GRADES: Readonly<Record<Grade, Coding>> = {
  1: { system: NCIT, code: 'C41338', display: 'Grade 1 Mild Adverse Event' },
  2: { system: NCIT, code: 'C41339', display: 'Grade 2 Moderate Adverse Event' },
  3: { system: NCIT, code: 'C41340', display: 'Grade 3 Severe Adverse Event' },
  4: { system: NCIT, code: 'C41337', display: 'Grade 4 Life Threatening or Disabling Adverse Event' },
};

export type Relatedness = 'not-related' | 'unlikely' | 'possibly' | 'related';
const RELATEDNESS: Readonly<Record<Relatedness, Coding>> = {
  'not-related': { system: NCIT, code: 'C53256', display: 'Not Related' },
  unlikely: { system: NCIT, code: 'C53257', display: 'Unlikely Related' },
  possibly: { system: NCIT, code: 'C53258', display: 'Possibly Related' },
  related: { system: NCIT, code: 'C53260', display: 'Related' },
};

/** DOMAIN.md: treatment related = related or possibly related. */
export function isTreatmentRelated(relatedness: Relatedness): boolean {
  return relatedness === 'related' || relatedness === 'possibly';
}

export interface EventPlan {
  readonly term: Term;
  readonly grade: Grade;
  readonly relatedness: Relatedness;
  readonly onset: Day;
  /** Days until resolution. */
  readonly lastsDays: number;
  /** Serious with hospitalization (NCIt C83052); every other event is non-serious. */
  readonly hospitalized: boolean;
  readonly expected: boolean;
}

function outcome(resolved: boolean): AdverseEvent['outcome'] {
  const r4 = 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome';
  return resolved
    ? { coding: [{ system: r4, code: 'resolved', display: 'Resolved' }, { system: NCIT, code: 'C49498', display: 'Recovered or Resolved' }] }
    : { coding: [{ system: r4, code: 'ongoing', display: 'Ongoing' }, { system: NCIT, code: 'C49494', display: 'Not Recovered or Not Resolved' }] };
}

function seriousness(serious: boolean): AdverseEvent['seriousness'] {
  const code = serious ? 'serious' : 'non-serious';
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code, display: serious ? 'Serious' : 'Non-serious' }] };
}

function suspectEntity(infusion: KeyedResource, relatedness: Relatedness): Extension {
  return {
    url: `${AE}/suspect-entity`,
    extension: [
      { url: 'instance', valueReference: refTo<MedicationAdministration>(infusion) },
      { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [RELATEDNESS[relatedness]] } }] },
    ],
  };
}

/**
 * An adverse event after an infusion, conforming to the AE Clinical Research IG profile: CTCAE grade,
 * causality toward the infusion, seriousness with its criterion, outcome. Resolved if it resolved by
 * the data cut-off, ongoing otherwise.
 */
export function adverseEventEntry(ctx: VisitContext, n: number, plan: EventPlan, infusion: KeyedResource, subject: KeyedResource, cutoff: Day): KeyedResource {
  const key = demoKey(ctx.nctId, 'subject', ctx.subject, 'ae', n);
  const resolvedOn = addDays(plan.onset, plan.lastsDays);
  const resolved = resolvedOn <= cutoff;
  const extension: Extension[] = [
    { url: `${AE}/ae-grade`, valueCodeableConcept: { coding: [GRADES[plan.grade]] } },
    suspectEntity(infusion, plan.relatedness),
    ...(plan.hospitalized
      ? [{ url: `${AE}/seriousness-criteria`, extension: [{ url: 'criterionCode', valueCodeableConcept: { coding: [{ system: NCIT, code: 'C83052', display: 'Hospitalization' }] } }, { url: 'criterionPresent', valueBoolean: true }] }]
      : []),
    { url: `${AE}/expected-in-research-study`, valueBoolean: plan.expected },
    ...(resolved ? [{ url: `${AE}/resolve-date`, valueDateTime: at(resolvedOn, '12:00') }] : []),
    { url: `${AE}/research-subject-ref`, valueReference: refTo<ResearchSubject>(subject) },
  ];
  const event: AdverseEvent = {
    resourceType: 'AdverseEvent',
    identifier: key,
    extension,
    actuality: 'actual',
    event: { coding: [{ system: MEDDRA, ...plan.term }], text: plan.term.display },
    subject: ctx.patient,
    date: at(plan.onset, '14:00'),
    recordedDate: at(plan.onset, '16:00'),
    seriousness: seriousness(plan.hospitalized),
    outcome: outcome(resolved),
    study: [studyReference(ctx.nctId)],
  };
  return demoEntry(key, event);
}
