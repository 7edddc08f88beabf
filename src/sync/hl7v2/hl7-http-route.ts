import type { PlainRoute } from '../../auth/plain-http';
import { errors, fail } from '../../fhir/outcomes';
import { EHR_ROLE } from '../intake/ehr-intake';
import { takeOru, type Hl7Sender } from './hl7-intake';
import { facilityRequester, type Hl7Wiring } from './hl7-senders';

/**
 * POST /hl7/v2: the HL7 v2 intake for senders without MLLP ("HL7 over HTTP", as HAPI defines it).
 * The body is one ER7 message; the answer is its ACK, 200 whatever the ACK says (AE and AR are the
 * HL7 answer, not an HTTP failure), in the media type the message came in.
 *
 * Media types: `x-application/hl7-v2+er7` (HL7 over HTTP's) and `application/hl7-v2` (and its `+er7`
 * form). Not text/plain: a message must be declared as HL7 to be taken, so that a stray form or
 * document posted here is refused (415) rather than answered with an AR for each.
 *
 * Senders: an `ehr` client, its results stamped with its own client id; an admin (or AUTH=off) acting
 * for a facility, as the facility's MLLP sender would be (an admin's own writes would bypass the EHR
 * intake's rules: the patient by identifier, the participant and panel gate).
 */

const MEDIA_TYPES: ReadonlySet<string> = new Set(['x-application/hl7-v2+er7', 'application/hl7-v2', 'application/hl7-v2+er7']);

export function hl7HttpRoute(wiring: Hl7Wiring): PlainRoute {
  return {
    method: 'POST',
    path: '/hl7/v2',
    access: 'authenticated',
    activity: 'hl7v2',
    async handle(request) {
      const requester = request.requester;
      if (!requester || (requester.role !== EHR_ROLE && requester.role !== 'admin')) {
        throw errors.forbidden(`The ${requester?.role ?? 'anonymous'} role may not send HL7 v2 messages: only ehr clients (and admins) may`);
      }
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!MEDIA_TYPES.has(mediaType)) {
        const sent = mediaType ? `"${mediaType}"` : 'no Content-Type';
        throw fail('unsupported-media', 'not-supported', `An HL7 v2 message is sent as x-application/hl7-v2+er7 (or application/hl7-v2), not ${sent}`);
      }
      const sender: Hl7Sender = {
        channel: 'hl7v2-http',
        contextFor: (facility) => wiring.contextFor(requester.role === EHR_ROLE ? requester : facilityRequester(facility)),
      };
      const ack = await takeOru(request.body, sender, wiring);
      return { status: 200, headers: { 'Content-Type': `${mediaType}; charset=utf-8` }, body: ack };
    },
  };
}
