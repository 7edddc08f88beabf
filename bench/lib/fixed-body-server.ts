import { spawn } from 'node:child_process';
import { freePort, sleep } from './net';

/**
 * The HTTP floor of a search: a bare node:http server in its own process answering GET /<key>
 * with a body stored before by PUT /<key> (a real searchset Bundle Stroma returned), with no
 * database and no FHIR work. Measured with the same client, so Stroma's latency can be read as a
 * ratio of what any HTTP server on this machine needs to send the same bytes.
 */
const SOURCE = `
const bodies = new Map();
require('node:http').createServer((q, s) => {
  if (q.method === 'PUT') {
    const chunks = [];
    q.on('data', (c) => chunks.push(c));
    q.on('end', () => { bodies.set(q.url, Buffer.concat(chunks)); s.end(); });
    return;
  }
  s.setHeader('content-type', 'application/fhir+json');
  s.end(bodies.get(q.url) ?? '{}');
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

export interface FixedBodyServer {
  origin: string;
  store(key: string, body: string): Promise<void>;
  stop(): void;
}

export async function startFixedBodyServer(): Promise<FixedBodyServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', SOURCE, String(port)], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await (await fetch(`${origin}/ping`)).arrayBuffer();
      break;
    } catch (error) {
      if (attempt > 100) {
        child.kill('SIGKILL');
        throw error;
      }
      await sleep(50);
    }
  }
  return {
    origin,
    async store(key, body) {
      await (await fetch(`${origin}/${key}`, { method: 'PUT', body })).arrayBuffer();
    },
    stop: () => child.kill('SIGKILL'),
  };
}
