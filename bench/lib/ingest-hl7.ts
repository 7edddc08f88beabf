import { Client, Message, type InboundResponse } from 'node-hl7-client';
import { oruMessage } from './ingest-data';
import type { IngestRun } from './ingest-fhir';

/**
 * Sends `messages` ORU^R01 messages (10 results each, from message number `first`) over one MLLP
 * connection with node-hl7-client and times them until the last ACK. `pipelined: false` sends each
 * once the previous one's ACK came (HL7's original acknowledgement mode, as interface engines send by
 * default); `true` sends without waiting (node-hl7-client's waitAck: false), the server taking in
 * messages about different patients side by side. A result of a message not answered AA counts as
 * not stored.
 */
export async function timeMllp(
  label: string, port: number, o: { first: number; messages: number; patients: number; pipelined: boolean },
): Promise<IngestRun> {
  const client = new Client({ host: '127.0.0.1' });
  let failed = 0;
  let acked = 0;
  let firstFailure: string | undefined;
  let acknowledged: (() => void) | undefined;
  // In original mode each send waits here for its ACK: node-hl7-client 3.2's own queue (waitAck)
  // reconnects and spins when a message is sent before the previous ACK came.
  const connection = client.createConnection({ port, waitAck: !o.pipelined }, (res: InboundResponse) => {
    const ack = res.getMessage();
    if (ack.get('MSA.1').toString() !== 'AA') {
      failed += 10;
      firstFailure ??= ack.toString().replace(/\r/g, ' | ').slice(0, 400);
    }
    acked++;
    if (!o.pipelined || acked === o.messages) acknowledged?.();
  });
  await new Promise<void>((resolve) => connection.once('connect', () => resolve()));
  const started = performance.now();
  try {
    if (o.pipelined) {
      const all = new Promise<void>((resolve) => (acknowledged = resolve));
      for (let m = o.first; m < o.first + o.messages; m++) await connection.sendMessage(new Message({ text: oruMessage(m, o.patients) }));
      await all;
    } else {
      for (let m = o.first; m < o.first + o.messages; m++) {
        const answered = new Promise<void>((resolve) => (acknowledged = resolve));
        await connection.sendMessage(new Message({ text: oruMessage(m, o.patients) }));
        await answered;
      }
    }
  } finally {
    await connection.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const results = o.messages * 10;
  return { label, results, seconds, perSecond: results / seconds, failed, firstFailure };
}
