import { Hl7Message } from '@medplum/core';
import { serverReaderOf } from '../../fhir/access-controlled-repository';
import type { HandlerContext } from '../../fhir/types';
import type { IndexedParameter, ResourceWriter } from '../../store/repository';
import { storeMessage, type MessageUnit, type ResultOutcome } from '../intake/store-message';
import { countResult, type IntakeMetrics } from '../metrics';
import { acknowledge, type AckError } from './ack';
import { facilityConceptMap, facilityKey } from './code-mapping';
import { component, fieldText } from './hl7-fields';
import { appendRecord, journalRejected, messageLock, messageStream, processedEntry, type AckCode, type JournaledResult } from './message-journal';
import { planResults, type MessageFacts, type PlannedResult } from './oru-observations';
import { Hl7StructureError, readOru, type OruMessage } from './oru-message';
import { namingSystemLookup, subjectIdentifier } from './patient-system';
import { outcomeRefusal, type ResultRefusal } from './result-refusals';

/**
 * An ORU^R01 taken in, from text to ACK text, whatever the transport (MLLP or HTTP): the message is
 * read, each OBX planned as an Observation (or refused), the Observations stored in one transaction
 * as the sender, and the message journaled with its ACK in that same transaction. Every message gets
 * an ACK: AA when every result was stored, AE with one ERR per refused OBX, AR when the message
 * itself is rejected (its structure, its type) or the server failed (the sender may then send it again).
 */

export interface Hl7Sender {
  channel: 'hl7v2-mllp' | 'hl7v2-http';
  /** The FHIR context a message from `facility` (MSH-4) is taken in as: its requester is the sender. */
  contextFor(facility: string): HandlerContext;
}

export interface Hl7IntakeDeps {
  metrics: IntakeMetrics;
  /** Told of the failures that are the server's, not the sender's: the sender gets an AR, the operator the details. */
  logError(error: unknown, message: string): void;
}

interface Taken {
  ack: string;
  replay: boolean;
  refusals: (ResultRefusal | undefined)[];
}

export async function takeOru(text: string, sender: Hl7Sender, deps: Hl7IntakeDeps): Promise<string> {
  deps.metrics.messages.inc({ channel: sender.channel });
  const received = new Date().toISOString();
  let oru: OruMessage;
  try {
    oru = readOru(text);
  } catch (error) {
    if (!(error instanceof Hl7StructureError)) deps.logError(error, 'HL7 v2 message not parsed');
    return reject(text, received, rejectionOf(error), sender, deps);
  }
  try {
    const taken = await takeResults(oru, text, received, sender);
    if (!taken.replay) for (const refused of taken.refusals) countResult(deps.metrics, sender.channel, refused?.reason);
    return taken.ack;
  } catch (error) {
    deps.logError(error, 'HL7 v2 message not taken: the server failed');
    const internal: AckError = { location: { segment: 'MSH', sequence: 1 }, code: '207', message: 'The server could not process the message now; nothing of it was stored: send it again' };
    return reject(text, received, internal, sender, deps);
  }
}

/** Rejects a message the transport could not take whole (larger than it keeps): AR, with the part received journaled. */
export async function rejectOru(text: string, error: AckError, sender: Hl7Sender, deps: Hl7IntakeDeps): Promise<string> {
  deps.metrics.messages.inc({ channel: sender.channel });
  return reject(text, new Date().toISOString(), error, sender, deps);
}

async function takeResults(oru: OruMessage, raw: string, received: string, sender: Hl7Sender): Promise<Taken> {
  const facility = facilityKey(oru.facility);
  const ctx = sender.contextFor(facility);
  const plan = planResults(oru, await messageFacts(oru, ctx, facility));
  const requests = plan.flatMap((p) => ('request' in p ? [p.request] : []));
  const stream = messageStream(facility, oru.controlId);
  const record = { channel: sender.channel, sender: ctx.access.requester.clientId, received, facility, controlId: oru.controlId, raw };
  const unit: MessageUnit<Taken> = {
    async begin(tx: ResourceWriter) {
      await tx.lock(messageLock(facility, oru.controlId));
      const seen = processedEntry(await tx.journal.entries(stream));
      if (!seen) return undefined;
      // A re-send of a message processed before: the original ACK, and a note that it came again.
      await appendRecord(tx, stream, { ...record, ack: seen.ack, ackCode: seen.ackCode, replayOf: seen.seq });
      return { ack: seen.ack, replay: true, refusals: [] };
    },
    async finish(tx: ResourceWriter, outcomes: readonly ResultOutcome[]) {
      const refusals = refusalsOf(plan, outcomes);
      const errors = refusals.flatMap((r) => (r ? [r.error] : []));
      const ackCode: AckCode = errors.length > 0 ? 'AE' : 'AA';
      const ack = acknowledge(oru.message, ackCode, errors).toString();
      await appendRecord(tx, stream, { ...record, ack, ackCode, results: journaled(plan, outcomes, refusals) });
      return { ack, replay: false, refusals };
    },
  };
  return storeMessage(ctx, requests, unit);
}

/** The message's patient identifier and, when some code is local, the facility's ConceptMap. */
async function messageFacts(oru: OruMessage, ctx: HandlerContext, facility: string): Promise<MessageFacts> {
  // NamingSystems and ConceptMaps change rarely: remembered across messages as the write rules' lookups are.
  const reader = ctx.validation.lookups(serverReaderOf(ctx.repo));
  const param = (type: string, code: string) => ctx.registries.searchParameters.get(type, code) as IndexedParameter;
  const local = oru.results.some((r) => component(r.obx, 3, 3) !== 'LN');
  return {
    subject: await subjectIdentifier(oru.patientIds, namingSystemLookup(reader, param('NamingSystem', 'value'))),
    ...(local ? { conceptMap: await facilityConceptMap(reader, param('ConceptMap', 'identifier'), facility) } : {}),
  };
}

/** Each OBX's refusal (undefined when stored), in message order; `outcomes` follow the planned requests. */
function refusalsOf(plan: readonly PlannedResult[], outcomes: readonly ResultOutcome[]): (ResultRefusal | undefined)[] {
  let next = 0;
  return plan.map((p) => {
    if ('refused' in p) return p.refused;
    const outcome = outcomes[next++];
    return outcome.stored ? undefined : outcomeRefusal(p.sequence, outcome.error);
  });
}

function journaled(plan: readonly PlannedResult[], outcomes: readonly ResultOutcome[], refusals: readonly (ResultRefusal | undefined)[]): JournaledResult[] {
  let next = 0;
  return plan.map((p, i) => {
    const outcome = 'request' in p ? outcomes[next++] : undefined;
    const refused = refusals[i];
    if (refused) return { sequence: p.sequence, refused: refused.reason, error: refused.error.message };
    const stored = outcome as Extract<ResultOutcome, { stored: true }>;
    return { sequence: p.sequence, stored: stored.reference, status: stored.status };
  });
}

/** Why a message cannot be read: its structure error, else (not HL7 at all) the header's. */
function rejectionOf(error: unknown): AckError {
  if (error instanceof Hl7StructureError) return { location: error.location, code: error.code, message: error.message };
  return { location: { segment: 'MSH', sequence: 1 }, code: '100', message: 'The message cannot be parsed as HL7 v2 (ER7)' };
}

/** AR, and the raw message journaled (a failure to journal is logged: the sender still gets its answer). */
async function reject(text: string, received: string, error: AckError, sender: Hl7Sender, deps: Hl7IntakeDeps): Promise<string> {
  const header = headerOf(text);
  const ack = acknowledge(header.message, 'AR', [error]).toString();
  try {
    const ctx = sender.contextFor(header.facility);
    const record = { channel: sender.channel, sender: ctx.access.requester.clientId, received, raw: text, ack, ackCode: 'AR' as const };
    await journalRejected(ctx.repo, { ...record, facility: header.facility, controlId: header.controlId });
  } catch (failure) {
    deps.logError(failure, 'HL7 v2 message rejected and not journaled');
  }
  return ack;
}

/** As much of the header as can be read, to address the AR: a text that is no HL7 at all gets a bare one. */
function headerOf(text: string): { message: Hl7Message; facility: string; controlId: string } {
  const normalized = text.replace(/\r\n|\n/g, '\r').replace(/\r+$/, '');
  try {
    const message = Hl7Message.parse(normalized);
    const msh = message.header;
    return { message, facility: component(msh, 4, 1) || component(msh, 4, 2), controlId: fieldText(msh, 10) };
  } catch {
    return { message: Hl7Message.parse('MSH|^~\\&|||||||ACK||P|2.5.1'), facility: '', controlId: '' };
  }
}
