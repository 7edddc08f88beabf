import { randomUUID } from 'node:crypto';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';

export const FHIR_JSON = 'application/fhir+json';

const UCUM = 'http://unitsofmeasure.org';
const DAY_MS = 24 * 60 * 60 * 1000;
const GIVEN = ['Ada', 'Ben', 'Chloé', 'Dara', 'Emeka', 'Fatima', 'Goran', 'Hana', 'Ivo', 'Jun'];
const FAMILY = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Novak', 'Haddad', 'Silva', 'Kowalski', 'Nguyen', 'Byrne'];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** A trial participant. */
export function patient(i: number): Patient {
  const birth = new Date(Date.UTC(1950 + (i % 50), i % 12, 1 + (i % 28)));
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.3.9999.1', value: `BENCH-${String(i).padStart(4, '0')}` }],
    active: true,
    name: [{ use: 'official', family: pick(FAMILY), given: [pick(GIVEN)] }],
    gender: i % 2 === 0 ? 'female' : 'male',
    birthDate: birth.toISOString().slice(0, 10),
  };
}

/** A final hemoglobin lab result (LOINC 718-7, g/dL) for one of the given patients. */
export function hemoglobin(patientIds: readonly string[]): Observation {
  const effective = new Date(Date.now() - Math.floor(Math.random() * 365 * DAY_MS));
  effective.setUTCSeconds(0, 0);
  const issued = new Date(effective.getTime() + 2 * 60 * 60 * 1000);
  const value = Math.round((10 + Math.random() * 7.5) * 10) / 10;
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' },
        ],
        text: 'Laboratory',
      },
    ],
    code: {
      coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }],
      text: 'Hemoglobin',
    },
    subject: { reference: `Patient/${pick(patientIds)}` },
    effectiveDateTime: effective.toISOString().replace('.000Z', 'Z'),
    issued: issued.toISOString(),
    valueQuantity: { value, unit: 'g/dL', system: UCUM, code: 'g/dL' },
    interpretation: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
            code: value < 12 ? 'L' : 'N',
            display: value < 12 ? 'Low' : 'Normal',
          },
        ],
      },
    ],
    referenceRange: [
      {
        low: { value: 12, unit: 'g/dL', system: UCUM, code: 'g/dL' },
        high: { value: 17.5, unit: 'g/dL', system: UCUM, code: 'g/dL' },
      },
    ],
  };
}

/** A transaction Bundle creating `size` Observations. */
export function observationTransaction(size: number, patientIds: readonly string[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: Array.from({ length: size }, () => ({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: hemoglobin(patientIds),
      request: { method: 'POST', url: 'Observation' },
    })),
  };
}
