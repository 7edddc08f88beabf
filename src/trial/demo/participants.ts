import type { Consent, Patient, ResearchSubject } from '@medplum/fhirtypes';
import type { KeyedResource } from '../ctgov/entries';
import { addDays, at, type Day } from './calendar';
import { DEMO_MRN_SYSTEM, demoEntry, demoKey, refTo, studyReference } from './demo-entries';
import type { Prng } from './prng';

/** Clearly fictional given names; every demo Patient's family name is "Demo". */
const GIVEN = {
  female: ['Ada', 'Beatrix', 'Clara', 'Delphine', 'Elsa', 'Flora', 'Greta', 'Hazel', 'Iris', 'June'],
  male: ['Anton', 'Basil', 'Cyril', 'Dorian', 'Emil', 'Felix', 'Gustav', 'Hugo', 'Ivo', 'Jules'],
} as const;

export interface Person {
  readonly gender: 'female' | 'male';
  readonly birthDate: Day;
  readonly given: string;
}

/** Sex and age: adults of 18 to 69 at the first infusion (the seed trials enrol 18-70 year olds). */
export function person(prng: Prng, firstInfusion: Day, femaleShare: number): Person {
  return personOfGender(prng, firstInfusion, prng.chance(femaleShare) ? 'female' : 'male');
}

/** A person of a given sex, for data that must match a published count of women and men. */
export function personOfGender(prng: Prng, firstInfusion: Day, gender: Person['gender']): Person {
  const ageDays = prng.int(19 * 365, 69 * 365);
  return { gender, birthDate: addDays(firstInfusion, -ageDays), given: prng.pick(GIVEN[gender]) };
}

/**
 * The subject's number as it appears in identifiers: "07". The builders below take this label, so
 * another dataset of the same trial (the published-results one labels its subjects "P07") keys its
 * resources apart from the demo's.
 */
export function subjectLabel(number: number): string {
  return String(number).padStart(2, '0');
}

export function patientEntry(nctId: string, label: string, who: Person): KeyedResource {
  const key = demoKey(nctId, 'subject', label, 'patient');
  const patient: Patient = {
    resourceType: 'Patient',
    identifier: [key, { system: DEMO_MRN_SYSTEM, value: `DEMO-${nctId}-${label}` }],
    name: [{ family: 'Demo', given: [who.given, `${nctId}-${label}`], text: `${who.given} Demo (fictional, ${nctId} subject ${label})` }],
    gender: who.gender,
    birthDate: who.birthDate,
  };
  return demoEntry(key, patient);
}

/** The signed informed consent every seed trial requires before randomization or inclusion. */
export function consentEntry(nctId: string, label: string, patient: KeyedResource, day: Day): KeyedResource {
  const key = demoKey(nctId, 'subject', label, 'consent');
  const consent: Consent = {
    resourceType: 'Consent',
    identifier: [key],
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research', display: 'Research' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: refTo(patient),
    dateTime: at(day, '10:00'),
    policyRule: { text: `Written informed consent to ${nctId} (fictional demo record)` },
  };
  return demoEntry(key, consent);
}

export interface Enrolment {
  readonly status: ResearchSubject['status'];
  readonly armName: string;
  readonly registered: Day;
  /** Set once the first infusion has happened. */
  readonly started: boolean;
  /** The last visit, when the subject has finished the schedule. */
  readonly ended?: Day;
}

export function researchSubjectEntry(nctId: string, label: string, patient: KeyedResource, consent: KeyedResource, enrolment: Enrolment): KeyedResource {
  const key = demoKey(nctId, 'subject', label, 'research-subject');
  const subject: ResearchSubject = {
    resourceType: 'ResearchSubject',
    identifier: [key],
    status: enrolment.status,
    period: { start: enrolment.registered, ...(enrolment.ended ? { end: enrolment.ended } : {}) },
    study: studyReference(nctId),
    individual: refTo(patient),
    assignedArm: enrolment.armName,
    ...(enrolment.started ? { actualArm: enrolment.armName } : {}),
    consent: refTo(consent),
  };
  return demoEntry(key, subject);
}
