import type { Requester } from '../../fhir/access';
import type { HandlerContext } from '../../fhir/types';
import type { IntakeMetrics } from '../metrics';
import { EHR_ROLE } from '../intake/ehr-intake';
import { rejectOru, takeOru, type Hl7Sender } from './hl7-intake';
import type { MllpFrame } from './mllp-framing';

/**
 * Who an HL7 v2 message is taken in as. Over MLLP there is no token: the sending facility (MSH-4)
 * is the sender, as an EHR client of its own (`hl7v2-<facility>`), so its results are stamped
 * meta.source https://stroma-fhir.org/fhir/client/hl7v2-<facility>, a re-send matches only what that
 * facility sent, and the EHR intake's rules (patient by identifier, participant, panel) apply.
 */

/** The largest message taken over MLLP (an ORU of a few hundred OBX is far below it). */
export const MLLP_MAX_MESSAGE_BYTES = 1024 * 1024;

/** The facility as a client id: letters, digits, `.`, `_` and `-` kept, anything else a `-`. */
export function facilityClientId(facility: string): string {
  const cleaned = facility.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return `hl7v2-${cleaned || 'unknown'}`;
}

export function facilityRequester(facility: string): Requester {
  return { clientId: facilityClientId(facility), role: EHR_ROLE, scope: 'system/Observation.cruds' };
}

export interface Hl7Wiring {
  /** The FHIR context of a requester (app.ts: requesterContext). */
  contextFor(requester: Requester): HandlerContext;
  metrics: IntakeMetrics;
  logError(error: unknown, message: string): void;
}

/** The MLLP listener's handler: each frame taken in as its facility. */
export function mllpHandler(wiring: Hl7Wiring): (message: MllpFrame) => Promise<string> {
  const sender: Hl7Sender = { channel: 'hl7v2-mllp', contextFor: (facility) => wiring.contextFor(facilityRequester(facility)) };
  return (message) => {
    if (!message.oversize) return takeOru(message.text, sender, wiring);
    const tooLarge = `The message is larger than ${MLLP_MAX_MESSAGE_BYTES} bytes; it is not taken (split it into several ORU^R01)`;
    return rejectOru(message.text, { location: { segment: 'MSH', sequence: 1 }, code: '207', message: tooLarge }, sender, wiring);
  };
}
