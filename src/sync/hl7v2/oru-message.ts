import { Hl7Message, type Hl7Segment } from '@medplum/core';
import { component, fieldText, repetitionCount } from './hl7-fields';
import { offsetOf } from './hl7-time';

/**
 * An ORU^R01 message read into what intake needs, without interpreting the results yet: who sent it,
 * its control id, the patient's identifiers (PID-3) and its OBX segments with their OBR. Structure
 * errors name the segment and field, as an ERR segment will (ERR-2: segment id, sequence, field).
 */
export interface Hl7Location {
  segment: string;
  /** The segment's position among the message's segments of its name, from 1. */
  sequence: number;
  field?: number;
}

export class Hl7StructureError extends Error {
  constructor(
    message: string,
    readonly location: Hl7Location,
    /** HL7 table 0357: 100 segment sequence error, 101 required field missing, 102 data type error, 200 unsupported message type. */
    readonly code: '100' | '101' | '102' | '200' | '207',
  ) {
    super(message);
  }
}

/** An identifier of the patient (CX): its value, its assigning authority's namespace, universal id and its type (ISO...), and type (MR...). */
export interface PatientIdentifier {
  value: string;
  authority: string;
  authorityId: string;
  authorityIdType: string;
  type: string;
}

/** One OBX with the OBR it belongs to. */
export interface ResultSegment {
  obx: Hl7Segment;
  obr: Hl7Segment;
  /** OBX's position among the message's OBX segments, from 1. */
  sequence: number;
}

export interface OruMessage {
  message: Hl7Message;
  controlId: string;
  /** MSH-4, sending facility: namespace and universal id. */
  facility: { namespace: string; universalId: string };
  /** MSH-3, sending application (namespace). */
  application: string;
  /** The zone offset of MSH-7, the fallback for times sent without one. */
  senderOffset?: string;
  patientIds: PatientIdentifier[];
  results: ResultSegment[];
}

/** Parses the text of an ORU^R01 (segments separated by CR, LF or CRLF). */
export function readOru(text: string): OruMessage {
  const normalized = text.replace(/\r\n|\n/g, '\r').replace(/\r+$/, '');
  if (!normalized.startsWith('MSH')) throw new Hl7StructureError('The message does not start with an MSH segment', { segment: 'MSH', sequence: 1 }, '100');
  const message = Hl7Message.parse(normalized);
  const msh = message.header;
  const type = `${component(msh, 9, 1)}^${component(msh, 9, 2)}`;
  if (type !== 'ORU^R01') throw new Hl7StructureError(`Message type ${type} is not accepted: only ORU^R01 results are`, { segment: 'MSH', sequence: 1, field: 9 }, '200');
  const controlId = fieldText(msh, 10);
  if (!controlId) throw new Hl7StructureError('MSH-10 (message control id) is missing', { segment: 'MSH', sequence: 1, field: 10 }, '101');
  return {
    message,
    controlId,
    facility: { namespace: component(msh, 4, 1), universalId: component(msh, 4, 2) },
    application: component(msh, 3, 1),
    senderOffset: offsetOf(fieldText(msh, 7)),
    patientIds: patientIdentifiers(message),
    results: resultSegments(message),
  };
}

function patientIdentifiers(message: Hl7Message): PatientIdentifier[] {
  const pids = message.getAllSegments('PID');
  if (pids.length === 0) throw new Hl7StructureError('The message has no PID segment', { segment: 'PID', sequence: 1 }, '100');
  // Results are filed under the message's one patient: a second PID's results must never land on the first's.
  if (pids.length > 1) throw new Hl7StructureError(`The message has results of ${pids.length} patients (PID segments): send one ORU^R01 per patient`, { segment: 'PID', sequence: 2 }, '100');
  const pid = pids[0];
  const ids: PatientIdentifier[] = [];
  for (let rep = 0; rep < repetitionCount(pid, 3); rep++) {
    const value = component(pid, 3, 1, undefined, rep);
    if (!value) continue;
    ids.push({
      value,
      authority: component(pid, 3, 4, 0, rep),
      authorityId: component(pid, 3, 4, 1, rep),
      authorityIdType: component(pid, 3, 4, 2, rep),
      type: component(pid, 3, 5, undefined, rep),
    });
  }
  if (ids.length === 0) throw new Hl7StructureError('PID-3 (patient identifier list) is empty', { segment: 'PID', sequence: 1, field: 3 }, '101');
  return ids;
}

/** Every OBX after its OBR, in message order; an OBX before any OBR, or before the PID, is out of order. */
function resultSegments(message: Hl7Message): ResultSegment[] {
  const results: ResultSegment[] = [];
  let obr: Hl7Segment | undefined;
  let seenPid = false;
  let sequence = 0;
  for (const segment of message.segments) {
    if (segment.name === 'PID') seenPid = true;
    if (segment.name === 'OBR') obr = segment;
    if (segment.name !== 'OBX') continue;
    sequence++;
    if (!seenPid || !obr) throw new Hl7StructureError(`OBX ${sequence} comes before ${seenPid ? 'any OBR' : 'the PID'}: segments are out of order`, { segment: 'OBX', sequence }, '100');
    results.push({ obx: segment, obr, sequence });
  }
  if (results.length === 0) throw new Hl7StructureError('The message has no OBX segment: no result to take', { segment: 'OBX', sequence: 1 }, '100');
  return results;
}
