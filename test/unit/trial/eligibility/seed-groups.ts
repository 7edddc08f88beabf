import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, Group, Observation, Patient, Quantity } from '@medplum/fhirtypes';

/** The enrollment Group of a seed trial, as bundles/trials ships it. */
export function seedGroup(nctId: string): Group {
  const file = path.join(__dirname, '..', '..', '..', '..', 'bundles', 'trials', `${nctId}.json`);
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
  const group = bundle.entry?.find((e) => e.resource?.resourceType === 'Group')?.resource;
  if (!group) throw new Error(`${nctId} has no Group`);
  return group as Group;
}

export const LOINC = 'http://loinc.org';
export const ASSESSMENTS = 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments';
const UCUM = 'http://unitsofmeasure.org';

let counter = 0;

export function observation(system: string, code: string, value: number, unit: string, day: string, extra: Partial<Observation> = {}): Observation {
  counter += 1;
  const valueQuantity: Quantity = { value, unit, system: UCUM, code: unit };
  return {
    resourceType: 'Observation',
    id: `obs-${counter}`,
    status: 'final',
    code: { coding: [{ system, code }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: `${day}T09:00:00Z`,
    valueQuantity,
    ...extra,
  };
}

export const lab = (code: string, value: number, unit: string, day = '2026-11-20', extra: Partial<Observation> = {}): Observation =>
  observation(LOINC, code, value, unit, day, extra);
export const score = (code: string, value: number, day = '2026-11-20'): Observation => observation(ASSESSMENTS, code, value, '{score}', day);

export function person(birthDate = '1970-06-15', gender: Patient['gender'] = 'female'): Patient {
  return { resourceType: 'Patient', id: 'p1', birthDate, gender };
}

export const DATE = '2026-12-01';
