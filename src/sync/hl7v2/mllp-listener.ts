import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { frame, MllpDecoder, type MllpFrame } from './mllp-framing';
import { MessageLanes } from './message-lanes';

/**
 * The MLLP listener: a TCP server that answers each framed message with the ACK `handle` gives, in
 * the order the messages came on their connection (a sender sending ahead has its messages about
 * different patients taken in side by side: see MessageLanes).
 *
 * Written on node:net rather than @medplum/hl7's Hl7Server (4.5), which parses on its own terms: it
 * listens on every interface (its start() takes no host, and Stroma's listener must stay on loopback
 * unless configured otherwise), it answers nothing to a frame that does not parse (and keeps that
 * frame's bytes, so every later message on the connection fails too), and it reads two frames that
 * arrive in one TCP segment as one message. The messages themselves are parsed by @medplum/core's
 * Hl7Message, and tests speak to this listener with @medplum/hl7's Hl7Client.
 */

export interface MllpListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The largest message kept whole; a larger one is handed over cut, with `oversize` set. */
  maxMessageBytes: number;
  /** The ACK of one message; should not throw (a throw closes the connection, so the sender sends again). */
  handle(message: MllpFrame): Promise<string>;
  onError(error: unknown, message: string): void;
}

export interface MllpListener {
  readonly port: number;
  /**
   * Stops accepting connections, lets the messages in hand be answered, then closes the connections;
   * those still busy after `timeoutMs` are cut.
   */
  close(timeoutMs?: number): Promise<void>;
}

interface Connection {
  socket: net.Socket;
  decoder: MllpDecoder;
  /** Messages received and not yet answered. */
  pending: number;
  lanes: MessageLanes;
}

/** Messages one connection may have in hand before it is read no further (a sender far ahead waits in TCP). */
const MAX_IN_HAND = 16;

export async function startMllpListener(options: MllpListenerOptions): Promise<MllpListener> {
  const connections = new Set<Connection>();
  let closing = false;
  const server = net.createServer((socket) => {
    const connection: Connection = { socket, decoder: new MllpDecoder(options.maxMessageBytes), pending: 0, lanes: new MessageLanes() };
    connections.add(connection);
    socket.on('data', (data: Buffer) => {
      for (const message of connection.decoder.push(data)) answer(connection, message);
    });
    socket.on('error', (error) => options.onError(error, 'MLLP connection failed'));
    socket.on('close', () => connections.delete(connection));
  });

  const answer = (connection: Connection, message: MllpFrame): void => {
    connection.pending++;
    if (connection.pending >= MAX_IN_HAND) connection.socket.pause();
    const send = (ack: string) => {
      if (connection.socket.writable) connection.socket.write(frame(ack));
    };
    void connection.lanes.take(message.text, () => options.handle(message), send)
      .catch((error: unknown) => {
        options.onError(error, 'MLLP message not answered: the connection is closed');
        connection.socket.destroy();
      })
      .finally(() => {
        connection.pending--;
        if (connection.pending < MAX_IN_HAND) connection.socket.resume();
        if (closing && isIdle(connection)) connection.socket.end();
      });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen for HL7 v2 MLLP on ${options.host}:${options.port}: ${error.message}`)));
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  server.on('error', (error) => options.onError(error, 'MLLP listener failed'));

  return {
    port: (server.address() as AddressInfo).port,
    close: (timeoutMs = 10_000) => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) if (isIdle(connection)) connection.socket.end();
      const force = setTimeout(() => {
        for (const connection of connections) connection.socket.destroy();
      }, timeoutMs);
      force.unref();
      return closed.finally(() => clearTimeout(force));
    },
  };
}

/** Nothing to answer and no message half received. */
function isIdle(connection: Connection): boolean {
  return connection.pending === 0 && !connection.decoder.busy;
}
