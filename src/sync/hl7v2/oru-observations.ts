import type { CodeableConcept, ConceptMap, Identifier, Observation } from '@medplum/fhirtypes';
import type { FhirRequest } from '../../fhir/types';
import { UNKNOWN_PATIENT } from '../intake/patient-match';
import { upsertRequest } from '../intake/store-message';
import { facilityKey, mapCode } from './code-mapping';
import { readResult, type LabResult } from './obx-result';
import { Hl7StructureError, type OruMessage } from './oru-message';
import { describeIds } from './patient-system';
import { refusal, structureRefusal, UNMAPPED_CODE, type ResultRefusal } from './result-refusals';

/**
 * An ORU^R01's results as the Observations to store, one per OBX. A result is known by the facility,
 * its order and its code (`<order>|<OBX-3 code>|<OBX-4 sub-id>` in the facility's identifier system),
 * so a corrected result sent again updates the stored one instead of adding a second.
 */

const CATEGORY: CodeableConcept = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] };

/** Where a facility's result identifiers live: its OID when MSH-4 gives one, else a URI under the project's base. */
export const FACILITY_RESULT_BASE = 'https://stroma-fhir.org/fhir/hl7v2/facility/';
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/** What a message says about all its results: the facility's ConceptMap and the patient's identifier. */
export interface MessageFacts {
  conceptMap?: ConceptMap;
  /** The PID-3 identifier with a known system (see patient-system.ts); undefined: no patient can be matched. */
  subject?: Identifier;
}

/** Each OBX: the request that stores it, or why it is refused before anything is asked of the store. */
export type PlannedResult = { sequence: number; request: FhirRequest } | { sequence: number; refused: ResultRefusal };

export function facilitySystem(oru: OruMessage): string {
  const { universalId, namespace } = oru.facility;
  return OID.test(universalId) ? `urn:oid:${universalId}` : `${FACILITY_RESULT_BASE}${encodeURIComponent(namespace || universalId)}`;
}

/** The identity of a result: with the facility, the same order, code and sub-id are the same result. */
export function resultIdentifier(oru: OruMessage, result: LabResult): { system: string; value: string } {
  const parts = [result.orderNumber, result.code.code, ...(result.subId ? [result.subId] : [])];
  // Joined by HL7's component separator: a '|' in a token's value would have to be escaped in every search.
  return { system: facilitySystem(oru), value: parts.join('^') };
}

export function observationOf(result: LabResult, code: CodeableConcept, subject: Identifier, identifier: Identifier): Observation {
  return {
    resourceType: 'Observation',
    identifier: [identifier],
    status: result.status,
    category: [CATEGORY],
    code,
    subject: { identifier: subject },
    effectiveDateTime: result.effectiveDateTime,
    ...result.value,
    ...(result.referenceRange ? { referenceRange: result.referenceRange } : {}),
    ...(result.interpretation ? { interpretation: result.interpretation } : {}),
  };
}

/** Plans every OBX of the message: its Observation's conditional update, or its refusal. */
export function planResults(oru: OruMessage, facts: MessageFacts): PlannedResult[] {
  return oru.results.map((segment): PlannedResult => {
    const sequence = segment.sequence;
    let result: LabResult;
    try {
      result = readResult(segment, oru.senderOffset);
    } catch (error) {
      if (error instanceof Hl7StructureError) return { sequence, refused: structureRefusal(error) };
      throw error;
    }
    if (!result.orderNumber) {
      // Without an order number, two days' hemoglobins would be one result: the second would overwrite the first.
      const obr = { segment: 'OBR', sequence: oru.message.getAllSegments('OBR').indexOf(segment.obr) + 1, field: 3 };
      const message = `OBX ${sequence}: neither OBR-3 (filler order number) nor OBR-2 (placer order number) is given: the result cannot be identified`;
      return { sequence, refused: { sequence, reason: 'invalid', error: { location: obr, code: '101', message } } };
    }
    if (!facts.subject) {
      return { sequence, refused: refusal(sequence, UNKNOWN_PATIENT, `no identifier of PID-3 has an assigning authority known here: ${describeIds(oru.patientIds)}`) };
    }
    const code = mapCode(result.code, result.alternateCode, facts.conceptMap, facilityKey(oru.facility));
    if (!code.ok) return { sequence, refused: refusal(sequence, UNMAPPED_CODE, code.reason) };
    const identifier = resultIdentifier(oru, result);
    return { sequence, request: upsertRequest(observationOf(result, code.code, facts.subject, identifier), identifier) };
  });
}
