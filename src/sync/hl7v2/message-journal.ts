import type { JournalEntry, Repository, ResourceWriter } from '../../store/repository';

/**
 * Every HL7 v2 message received is kept in the store's journal, raw, with the ACK it was answered with
 * and what became of each result: for audit (what did the lab send, what did we answer) and for
 * reprocessing (the raw text can be taken in again). A message is keyed by its sending facility
 * (MSH-4) and control id (MSH-10), which HL7 makes unique per sender: its stream is
 * `hl7v2/<facility>/<control id>`, written under the lock `hl7v2:<facility>:<control id>`, so that
 * the same message sent twice at once is processed once. A message whose facility or control id cannot
 * be read is kept in the `hl7v2/rejected` stream.
 *
 * Only a processed message (answered AA or AE) counts as seen: a message rejected (AR) wrote nothing,
 * and senders re-send a rejected message with the same control id once the fault is fixed (or the
 * server is back), which must then be processed.
 */

export const REJECTED_STREAM = 'hl7v2/rejected';

export type AckCode = 'AA' | 'AE' | 'AR';

/** What one result of a message became, as the journal keeps it. */
export type JournaledResult =
  | { sequence: number; stored: string; status: number }
  | { sequence: number; refused: string; error: string };

/** One journal entry: a message received and answered. */
export interface MessageRecord {
  channel: string;
  /** The client the message was taken in as (meta.source of its results). */
  sender: string;
  received: string;
  facility?: string;
  controlId?: string;
  raw: string;
  ack: string;
  ackCode: AckCode;
  results?: JournaledResult[];
  /** Set when the message was a re-send of one processed before: the seq of that entry, whose ACK was sent again. */
  replayOf?: number;
}

/** Encoded so that a facility or control id holding `/` or `:` cannot pass for another's. */
const part = (text: string): string => encodeURIComponent(text);

export function messageStream(facility: string, controlId: string): string {
  return `hl7v2/${part(facility)}/${part(controlId)}`;
}

export function messageLock(facility: string, controlId: string): string {
  return `hl7v2:${part(facility)}:${part(controlId)}`;
}

/** The first processed message of the stream, if any: its ACK answers every re-send. */
export function processedEntry(entries: readonly JournalEntry[]): { seq: number; ack: string; ackCode: AckCode } | undefined {
  for (const { seq, content } of entries) {
    const { ack, ackCode, replayOf } = content;
    if ((ackCode === 'AA' || ackCode === 'AE') && replayOf === undefined && typeof ack === 'string') return { seq, ack, ackCode };
  }
  return undefined;
}

/** Appends a record (PostgreSQL's jsonb holds no NUL character: a sender's stray NUL is kept as U+FFFD). */
export async function appendRecord(tx: ResourceWriter, stream: string, record: MessageRecord): Promise<void> {
  await tx.journal.append(stream, withoutNul(record) as unknown as Record<string, unknown>);
}

/** A rejected message's record, in its own transaction (nothing else of it is written). */
export async function journalRejected(repo: Pick<Repository, 'transaction'>, record: MessageRecord): Promise<void> {
  const keyed = record.facility && record.controlId ? { facility: record.facility, controlId: record.controlId } : undefined;
  const stream = keyed ? messageStream(keyed.facility, keyed.controlId) : REJECTED_STREAM;
  const lock = keyed ? messageLock(keyed.facility, keyed.controlId) : REJECTED_STREAM;
  await repo.transaction(async (tx) => {
    await tx.lock(lock);
    await appendRecord(tx, stream, record);
  });
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\u0000/g, '\uFFFD');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNul(v)]));
  return value;
}
