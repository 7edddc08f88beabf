import type { RequestListener } from 'node:http';
import request from 'supertest';
import { researchConsent } from './enrolment';
import { FHIR_JSON } from './test-app';

/**
 * Makes an existing Patient a participant: a study of its own (not a registered trial), the patient's
 * research consent and an eligible ResearchSubject, so that EHR results about the patient are taken
 * in (issue 9). Returns the study's reference.
 */
export async function makeParticipant(app: RequestListener, patient: string, headers: Record<string, string> = {}): Promise<string> {
  const post = async (type: string, body: object): Promise<string> => {
    const res = await request(app).post(`/fhir/${type}`).set(headers).set('content-type', FHIR_JSON).send(body);
    if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
    return `${type}/${res.body.id}`;
  };
  const study = await post('ResearchStudy', { resourceType: 'ResearchStudy', status: 'active', title: 'A study of hospital labs' });
  const consent = await post('Consent', researchConsent(patient));
  await post('ResearchSubject', {
    resourceType: 'ResearchSubject',
    status: 'eligible',
    period: { start: '2024-01-02' },
    study: { reference: study },
    individual: { reference: patient },
    consent: { reference: consent },
  });
  return study;
}
