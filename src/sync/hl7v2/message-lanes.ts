/**
 * The order messages of one connection are taken in. A sender that waits for each ACK (HL7's
 * original mode) sends one at a time anyway; one that sends ahead (pipelining) may have several in
 * hand. Those about the same patient of the same facility are taken one after the other, in the
 * order sent, since a later one may correct an earlier one's result; others run side by side. ACKs
 * are always written in the order the messages came.
 */
export class MessageLanes {
  private readonly lanes = new Map<string, Promise<unknown>>();
  private acks: Promise<void> = Promise.resolve();

  /**
   * Takes a message in its lane; `answer` (which should not throw) gives its ACK, which `send` gets
   * once every earlier message's ACK was sent. Resolves when that is done.
   */
  take(text: string, answer: () => Promise<string>, send: (ack: string) => void): Promise<void> {
    const lane = laneOf(text);
    const ack = (this.lanes.get(lane) ?? Promise.resolve()).then(answer);
    const settled = ack.then(() => undefined, () => undefined);
    this.lanes.set(lane, settled);
    void settled.then(() => {
      if (this.lanes.get(lane) === settled) this.lanes.delete(lane);
    });
    const sent = this.acks.then(async () => send(await ack));
    this.acks = sent.then(() => undefined, () => undefined);
    return sent;
  }
}

/** MSH-4 (sending facility) and PID-3 (patient identifiers) as sent: a message's lane. Unreadable: a lane of its own kind. */
export function laneOf(text: string): string {
  const segments = text.split(/\r\n|\r|\n/);
  const msh = segments.find((s) => s.startsWith('MSH'));
  const pid = segments.find((s) => s.startsWith('PID'));
  if (!msh || msh.length < 4) return '';
  const separator = msh[3];
  return `${msh.split(separator)[3] ?? ''}\u0000${pid?.split(separator)[3] ?? ''}`;
}
