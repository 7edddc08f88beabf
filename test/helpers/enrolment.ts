import type { RequestListener } from 'node:http';
import type { ResearchSubject } from '@medplum/fhirtypes';
import request from 'supertest';
import { bodyWeight, studyInfusion } from './infusions';
import { FHIR_JSON } from './test-app';

export interface Enrolled {
  patient: string;
  subject: string;
  study: string;
  /** The infusion given, `MedicationAdministration/{id}`; empty when none was. */
  infusion: string;
}

export interface Enrolment {
  study: string;
  arm?: string;
  status?: ResearchSubject['status'];
  /** Why a withdrawn subject withdrew (withdrawal-reason's CodeableConcept). */
  withdrawal?: ResearchSubject['extension'];
  /** Days of infusion (a 70 kg weight each morning), at `perKg` cells/kg. */
  infusions?: string[];
  perKg?: number;
}

let mrn = 0;

/** Creates a resource through the API; fails with the server's answer unless it is 201. */
export async function created(app: RequestListener, type: string, body: object): Promise<string> {
  const res = await request(app).post(`/fhir/${type}`).set('content-type', FHIR_JSON).send(body);
  if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
  return `${type}/${res.body.id}`;
}

/** A patient (a fresh MRN with the prefix) and its active research consent. */
export async function consentedPatient(app: RequestListener, prefix = 'ENROL'): Promise<{ patient: string; consent: string }> {
  mrn++;
  const patient = await created(app, 'Patient', { resourceType: 'Patient', identifier: [{ system: 'http://hospital.example.org/mrn', value: `${prefix}-${mrn}` }], name: [{ family: 'Trial', given: ['Test'] }], gender: 'female', birthDate: '1970-05-01' });
  const consent = await created(app, 'Consent', researchConsent(patient));
  return { patient, consent };
}

/** The patient's active research consent (written informed consent), as enrollment needs it. */
export function researchConsent(patient: string): object {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: patient },
    dateTime: '2024-01-01T10:00:00Z',
    policyRule: { text: 'Written informed consent' },
  };
}

/** A consented patient with a ResearchSubject of the study (on study in `arm` by default), infused on the days given. */
export async function enrol(app: RequestListener, e: Enrolment): Promise<Enrolled> {
  const { patient, consent } = await consentedPatient(app);
  const subject = await created(app, 'ResearchSubject', {
    resourceType: 'ResearchSubject',
    ...(e.withdrawal ? { extension: e.withdrawal } : {}),
    status: e.status ?? 'on-study',
    period: { start: '2024-01-02' },
    study: { reference: e.study },
    individual: { reference: patient },
    consent: { reference: consent },
    ...(e.arm ? { assignedArm: e.arm } : {}),
  });
  let infusion = '';
  for (const day of e.infusions ?? []) {
    const weight = await created(app, 'Observation', bodyWeight({ study: e.study, patient }, 70, day));
    infusion = await created(app, 'MedicationAdministration', studyInfusion({ study: e.study, patient }, day, weight, (e.perKg ?? 0) * 70, e.perKg ?? null));
  }
  return { patient, subject, study: e.study, infusion };
}
