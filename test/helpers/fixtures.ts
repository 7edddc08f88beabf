import type { Observation, Patient } from '@medplum/fhirtypes';

export function patient(identifier = 'MRN-1', family = 'Tremblay'): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'http://hospital.example.org/mrn', value: identifier }],
    name: [{ family, given: ['Marie'] }],
    gender: 'female',
    birthDate: '1968-04-12',
  };
}

export function hemoglobin(subject: string, value = 12.5, effective = '2024-03-01T09:30:00Z'): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }] },
    subject: { reference: subject },
    effectiveDateTime: effective,
    valueQuantity: { value, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
  };
}
