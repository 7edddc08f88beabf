import type { AdverseEvent, Bundle, MedicationAdministration, OperationOutcome, Parameters, ResearchSubject } from '@medplum/fhirtypes';
import type { RequestListener as Listener } from 'node:http';
import request from 'supertest';
import { FHIR_JSON } from '../helpers/test-app';

/** What the randomization suites write: eligible subjects, infusions and adverse events of a seed study. */

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const UCUM = 'http://unitsofmeasure.org';
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

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
  const weight = await post('Observation', {
    resourceType: 'Observation',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: study } }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }], text: 'Body weight' },
    subject: { reference: who.patient },
    effectiveDateTime: `${day}T08:30:00Z`,
    valueQuantity: { value: 70, unit: 'kg', system: UCUM, code: 'kg' },
  });
  const cells = placebo ? 0 : 70_000_000;
  const product = placebo ? 'Placebo' : 'UCMSC';
  const infusion: MedicationAdministration = {
    resourceType: 'MedicationAdministration',
    extension: [{ url: STUDY_EXTENSION, valueReference: { reference: study } }],
    contained: [
      {
        resourceType: 'Medication',
        id: 'product',
        code: { text: product },
        batch: { lotNumber: `LOT-${day}` },
        amount: { numerator: { value: 50, unit: 'mL', system: UCUM, code: 'mL' }, denominator: { value: 1, unit: 'bag', system: UCUM, code: '{bag}' } },
        ingredient: [...(placebo ? [] : [{ itemCodeableConcept: { text: product }, isActive: true }]), { itemCodeableConcept: { text: 'PlasmaLyte A' }, isActive: false }],
      },
    ],
    status: 'completed',
    medicationReference: { reference: '#product' },
    subject: { reference: who.patient },
    effectivePeriod: { start: `${day}T10:00:00Z`, end: `${day}T10:45:00Z` },
    supportingInformation: [{ reference: weight }],
    dosage: {
      route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008' }] },
      dose: { value: cells, unit: 'cells', system: UCUM, code: '{cells}' },
      ...(placebo ? {} : { extension: [{ url: 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg', valueQuantity: { value: 1_000_000, unit: '{cells}/kg', system: UCUM, code: '{cells}/kg' } }] }),
    },
  };
  return post('MedicationAdministration', infusion);
}

/** An adverse event of the subject, of CTCAE grade `grade` (NCIt), related (C53260) to `infusion`. */
export function relatedEvent(study: string, who: Candidate, infusion: string, grade: string, onset: string): AdverseEvent {
  return {
    resourceType: 'AdverseEvent',
    extension: [
      { url: `${AE}ae-grade`, valueCodeableConcept: { coding: [{ system: NCIT, code: grade }] } },
      { url: `${AE}suspect-entity`, extension: [{ url: 'instance', valueReference: { reference: infusion } }, { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: 'C53260' }] } }] }] },
      { url: `${AE}expected-in-research-study`, valueBoolean: false },
      { url: `${AE}research-subject-ref`, valueReference: { reference: who.subject } },
    ],
    actuality: 'actual',
    event: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/mdr', code: '10051792', display: 'Infusion related reaction' }], text: 'Infusion related reaction' },
    subject: { reference: who.patient },
    date: `${onset}T14:00:00Z`,
    recordedDate: `${onset}T16:00:00Z`,
    seriousness: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: 'non-serious' }] },
    outcome: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome', code: 'resolved' }, { system: NCIT, code: 'C49498' }] },
    study: [{ reference: study }],
  };
}
