import type { BundleEntry, Identifier, Observation, Patient } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { RequestIntake } from '../../fhir/intake';
import { success } from '../../fhir/outcomes';
import type { FhirRequest } from '../../fhir/types';
import type { IndexedParameter, ResourceReader } from '../../store/repository';
import type { IntakeMetrics } from '../metrics';
import { countPush } from './push-metrics';
import { hasSystemAndValue, matchPatient, tokenOf, withSubjectResolved } from './patient-match';

/** The role of hospital systems that push results (src/auth/policy/roles.ts). */
export const EHR_ROLE = 'ehr';

/**
 * An EHR's pushes, as issue 9 takes them in:
 * - an Observation POSTed with the sender's identifier is stored once per identifier: a re-send (or a
 *   correction, `corrected`/`amended`, or a retraction, `entered-in-error`) updates the stored result
 *   as a new version, so history keeps what was there (a conditional update on `identifier`, which the
 *   EHR's own-source constraint limits to what this sender sent);
 * - a patient named by identifier (`subject.identifier`, or a Patient entry of the same Bundle)
 *   becomes a reference to the Patient that carries it;
 * - such a Patient entry is matched, not written (an EHR does not write Patients): its answer is 200.
 * Whether the patient is a participant and the code in the study's panel is the trial's rule.
 */
export function ehrIntake(registries: FhirRegistries, metrics: IntakeMetrics): RequestIntake {
  const patientIdentifier = registries.searchParameters.get('Patient', 'identifier') as IndexedParameter;
  return {
    name: 'ehr-results',
    appliesTo: (requester) => requester.role === EHR_ROLE,
    async prepare(request: FhirRequest, reader: ResourceReader, bundle?: readonly BundleEntry[]): Promise<FhirRequest> {
      const type = request.path.split('/')[0];
      const writes = request.method === 'POST' || request.method === 'PUT';
      if (type === 'Patient' && writes && bundle && isResource<Patient>(request.body, 'Patient')) {
        const reference = await matchPatient(request.body.identifier ?? [], patientIdentifier, reader, 'Patient.identifier');
        return { ...request, answer: [success('ok', `The Patient was matched by identifier to ${reference}; it is not written`)] };
      }
      if (type !== 'Observation' || !writes || !isResource<Observation>(request.body, 'Observation')) return request;
      const body = await withSubjectResolved(request.body, patientIdentifier, reader, bundle);
      const key = senderIdentifier(body);
      if (request.method === 'POST' && request.path === 'Observation' && request.ifNoneExist === undefined && key) {
        // R4 ignores an id in a create's body; as an update's it would have to match the stored one.
        const { id: _ignored, ...withoutId } = body;
        return { ...request, method: 'PUT', query: [['identifier', tokenOf(key)]], body: withoutId };
      }
      return body === request.body ? request : { ...request, body };
    },
    observe: (request, ended) => countPush(metrics, request, ended),
  };
}

function isResource<T>(body: unknown, resourceType: string): body is T {
  return typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === resourceType;
}

/** The identifier a sender keys its result by: the first with both system and value. */
function senderIdentifier(observation: Observation): { system: string; value: string } | undefined {
  const identifiers: unknown = observation.identifier;
  return Array.isArray(identifiers) ? (identifiers as Identifier[]).find(hasSystemAndValue) : undefined;
}
