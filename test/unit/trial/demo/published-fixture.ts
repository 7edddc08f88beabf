import { readFileSync } from 'node:fs';
import type { AdverseEvent, Bundle, Coding, Extension, MedicationAdministration, Observation, Patient, ResearchSubject, Resource } from '@medplum/fhirtypes';
import { PUBLISHED_DATASET_FILE } from '../../../../scripts/demo/layout';
import { demoResources, subjectOf } from './demo-fixture';

const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition';
const GRADES: Readonly<Record<string, number>> = { C41338: 1, C41339: 2, C41340: 3, C41337: 4, C48275: 5 };

/** bundles/demo/nct02213705-published.json as committed. */
export function committedDataset(): Bundle {
  return JSON.parse(readFileSync(PUBLISHED_DATASET_FILE, 'utf8')) as Bundle;
}

/** An adverse event as the published figures count it. */
export interface EventFacts {
  readonly term: string;
  readonly meddra: string;
  readonly grade: number;
  /** NCIt code of the causality toward the infusion. */
  readonly relatedness: string;
  readonly serious: boolean;
  readonly criteria: string[];
  /** Whole days from the day of the infusion to the day of onset. */
  readonly onsetDay: number;
  readonly event: AdverseEvent;
}

/** One participant of the dataset, by the resources that describe them. */
export interface ParticipantFacts {
  readonly label: string;
  readonly patient: Patient;
  readonly subject: ResearchSubject;
  readonly weight: Observation;
  readonly infusion: MedicationAdministration;
  readonly events: EventFacts[];
  /** From the infusion's day to ResearchSubject.period.end. */
  readonly followUpDays: number;
}

export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000);
}

function extension(event: AdverseEvent, name: string): Extension | undefined {
  return event.extension?.find((e) => e.url === `${AE}/${name}`);
}

export function gradeOf(event: AdverseEvent): number {
  return GRADES[extension(event, 'ae-grade')?.valueCodeableConcept?.coding?.[0]?.code ?? ''] ?? 0;
}

export function relatednessOf(event: AdverseEvent): string {
  const causality = extension(event, 'suspect-entity')?.extension?.find((e) => e.url === 'causality');
  return causality?.extension?.find((e) => e.url === 'entityRelatedness')?.valueCodeableConcept?.coding?.[0]?.code ?? '';
}

export function suspectOf(event: AdverseEvent): string | undefined {
  return extension(event, 'suspect-entity')?.extension?.find((e) => e.url === 'instance')?.valueReference?.reference;
}

function eventFacts(event: AdverseEvent, infusionDay: string): EventFacts {
  const meddra = event.event?.coding?.find((c: Coding) => c.system === 'http://terminology.hl7.org/CodeSystem/mdr');
  const criteria = (event.extension ?? [])
    .filter((e) => e.url === `${AE}/seriousness-criteria` && e.extension?.some((x) => x.url === 'criterionPresent' && x.valueBoolean))
    .map((e) => e.extension?.find((x) => x.url === 'criterionCode')?.valueCodeableConcept?.coding?.[0]?.code ?? '');
  return {
    term: event.event?.text ?? '',
    meddra: meddra?.code ?? '',
    grade: gradeOf(event),
    relatedness: relatednessOf(event),
    serious: event.seriousness?.coding?.some((c) => c.code === 'serious') ?? false,
    criteria,
    onsetDay: daysFrom(infusionDay, event.date as string),
    event,
  };
}

/** Each participant's resources of one type, by the subject label of their keys ("P07"), in Bundle order. */
function bySubject<T extends Resource>(bundle: Bundle, type: T['resourceType']): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of demoResources<T>(bundle, type)) map.set(subjectOf(r), [...(map.get(subjectOf(r)) ?? []), r]);
  return map;
}

/** The dataset's participants in Bundle order, each with their resources. */
export function participants(bundle: Bundle): ParticipantFacts[] {
  const subjects = bySubject<ResearchSubject>(bundle, 'ResearchSubject');
  const weights = bySubject<Observation>(bundle, 'Observation');
  const infusions = bySubject<MedicationAdministration>(bundle, 'MedicationAdministration');
  const events = bySubject<AdverseEvent>(bundle, 'AdverseEvent');
  return demoResources<Patient>(bundle, 'Patient').map((patient) => {
    const label = subjectOf(patient);
    const [infusion] = infusions.get(label) ?? [];
    const [subject] = subjects.get(label) ?? [];
    const day = infusion.effectivePeriod?.start as string;
    return {
      label,
      patient,
      subject,
      weight: (weights.get(label) ?? [])[0],
      infusion,
      events: (events.get(label) ?? []).map((e) => eventFacts(e, day)),
      followUpDays: daysFrom(day, subject.period?.end as string),
    };
  });
}

/** Follow-up counted on the calendar: whole months from `from`, then the remaining days as a share of that month. */
export function calendarMonths(from: string, to: string): number {
  const [start, end] = [new Date(`${from.slice(0, 10)}T00:00:00Z`), new Date(`${to.slice(0, 10)}T00:00:00Z`)];
  const anchor = (months: number): Date => {
    const lastDay = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months + 1, 0)).getUTCDate();
    return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, Math.min(start.getUTCDate(), lastDay)));
  };
  let whole = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
  if (anchor(whole) > end) whole--;
  const base = anchor(whole);
  const daysInMonth = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + 1, 0)).getUTCDate();
  return whole + (end.getTime() - base.getTime()) / 86_400_000 / daysInMonth;
}
