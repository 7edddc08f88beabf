import type { AdverseEvent, Bundle, OperationOutcome, Parameters, ResearchSubject } from '@medplum/fhirtypes';
import type { RequestListener as Listener } from 'node:http';
import request from 'supertest';
import { infusionReaction } from '../helpers/adverse-events';
import { bodyWeight, studyInfusion } from '../helpers/infusions';
import { FHIR_JSON } from '../helpers/test-app';

/** What the randomization suites write: eligible subjects, infusions and adverse events of a seed study. */


export type Headers = Record<string, string>;

/** The app in process, or a running server's root URL (http://127.0.0.1:port). */
type RequestListener = Listener | string;

/** The UTC day `days` before today. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

export interface Candidate {
  patient: string;
  subject: string;
}

let mrn = 0;

/** `count` patients, each consented and an eligible (or `status`) ResearchSubject of the study since `start`, in one transaction. */
export async function eligibleSubjects(
  app: RequestListener,
  headers: Headers,
  study: string,
  count: number,
  start = daysAgo(120),
  status: ResearchSubject['status'] = 'eligible',
): Promise<Candidate[]> {
  const entry = Array.from({ length: count }, (_, i) => {
    mrn++;
    const patient = `urn:uuid:00000000-0000-4000-8000-${String(mrn).padStart(12, '0')}`;
    const consent = `urn:uuid:00000000-0000-4000-9000-${String(mrn).padStart(12, '0')}`;
    return [
      { fullUrl: patient, resource: { resourceType: 'Patient', identifier: [{ system: 'http://hospital.example.org/mrn', value: `RND-${mrn}` }], gender: i % 2 ? 'male' : 'female', birthDate: '1975-03-01' }, request: { method: 'POST', url: 'Patient' } },
      {
        fullUrl: consent,
        resource: {
          resourceType: 'Consent',
          status: 'active',
          scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
          category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
          patient: { reference: patient },
          dateTime: `${start}T09:00:00Z`,
          policyRule: { text: 'Written informed consent' },
        },
        request: { method: 'POST', url: 'Consent' },
      },
      {
        resource: { resourceType: 'ResearchSubject', status, period: { start }, study: { reference: study }, individual: { reference: patient }, consent: { reference: consent } },
        request: { method: 'POST', url: 'ResearchSubject' },
      },
    ];
  }).flat();
  const res = await request(app).post('/fhir').set(headers).set('content-type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry });
  if (res.status !== 200) throw new Error(`subjects: ${res.status} ${JSON.stringify(res.body)}`);
  const locations = (res.body as Bundle).entry?.map((e) => (e.response?.location ?? '').split('/_history')[0]) ?? [];
  return Array.from({ length: count }, (_, i) => ({ patient: locations[i * 3], subject: locations[i * 3 + 2] }));
}

export function randomize(app: RequestListener, headers: Headers, study: string, subject: string, cohort?: string) {
  const parameter: Parameters['parameter'] = [{ name: 'subject', valueReference: { reference: subject } }];
  if (cohort) parameter.push({ name: 'cohort', valueString: cohort });
  return request(app).post(`/fhir/${study}/$randomize`).set(headers).set('content-type', FHIR_JSON).send({ resourceType: 'Parameters', parameter });
}

/** The arm a successful $randomize answered. */
export function armOf(res: request.Response): string {
  if (res.status !== 200) throw new Error(`$randomize: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as ResearchSubject).assignedArm as string;
}

export function diagnostics(res: request.Response, status: number): string {
  expect(res.status).toBe(status);
  return (res.body as OperationOutcome).issue?.[0]?.diagnostics ?? '';
}

/** Each arm's count among `arms`. */
export function tally(arms: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const arm of arms) counts[arm] = (counts[arm] ?? 0) + 1;
  return counts;
}

/** A 70 kg weight and the subject's infusion on `day`: 70 x 10^6 cells for a cell arm, none for placebo. */
export async function infuse(app: RequestListener, headers: Headers, study: string, who: Candidate, day: string, placebo: boolean): Promise<string> {
  const post = async (type: string, body: object): Promise<string> => {
    const res = await request(app).post(`/fhir/${type}`).set(headers).set('content-type', FHIR_JSON).send(body);
    if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
    return `${type}/${res.body.id}`;
  };
  const whose = { study, patient: who.patient };
  const weight = await post('Observation', bodyWeight(whose, 70, day));
  const infusion = placebo ? studyInfusion(whose, day, weight, 0, null) : studyInfusion(whose, day, weight, 70_000_000, 1_000_000);
  return post('MedicationAdministration', infusion);
}

/** An adverse event of the subject, of CTCAE grade `grade` (NCIt), related (C53260) to `infusion`. */
export function relatedEvent(study: string, who: Candidate, infusion: string, grade: string, onset: string): AdverseEvent {
  return infusionReaction({ study, patient: who.patient, subject: who.subject, infusion, grade, relatedness: 'C53260', onset });
}
