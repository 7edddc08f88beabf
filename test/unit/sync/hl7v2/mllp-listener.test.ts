import net from 'node:net';
import { frame } from '../../../../src/sync/hl7v2/mllp-framing';
import { startMllpListener } from '../../../../src/sync/hl7v2/mllp-listener';

/** Connects, sends `text` framed, and resolves with what came back until the server closed the connection. */
function exchange(port: number, text: string, sent: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(frame(text));
      sent();
    });
    socket.on('data', (d: Buffer) => { received += d.toString('utf8'); });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('the MLLP listener', () => {
  it('when it is closed while a message is in hand, then the message is answered before the connection closes', async () => {
    let started!: () => void;
    const handling = new Promise<void>((r) => { started = r; });
    const listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 1024,
      handle: async (message) => {
        started();
        await new Promise((r) => setTimeout(r, 100));
        return `ACK for ${message.text}`;
      },
      onError: () => undefined,
    });
    const answer = exchange(listener.port, 'MSH|one', () => undefined);
    await handling;
    await listener.close(5000);
    expect(await answer).toBe('\x0bACK for MSH|one\x1c\r');
  });

  it('when the port is taken, then starting fails with the address in the error', async () => {
    const first = await startMllpListener({ host: '127.0.0.1', port: 0, maxMessageBytes: 1024, handle: async () => '', onError: () => undefined });
    try {
      await expect(startMllpListener({ host: '127.0.0.1', port: first.port, maxMessageBytes: 1024, handle: async () => '', onError: () => undefined }))
        .rejects.toThrow(`cannot listen for HL7 v2 MLLP on 127.0.0.1:${first.port}`);
    } finally {
      await first.close();
    }
  });
});
