import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freshDatabase } from './test-app';

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Starts `src/main.ts` as a real child process on a free port and resolves once it listens; with
 * AUTH=off (on loopback) and SEED_TRIALS=off unless `env` says otherwise: these suites are about other things.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', NODE_OPTIONS: '', AUTH: 'off', SEED_TRIALS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const port = (JSON.parse(line) as { port?: number }).port;
      if (port) resolve(port);
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}/fhir`, exited };
}

/**
 * Two server processes on one new PostgreSQL database (TEST_DATABASE_URL's server), started before
 * the enclosing describe's tests and killed after them; the returned array is filled in by then.
 * Stroma scales out as several stateless processes on one PostgreSQL: what must hold across
 * processes is tested with two.
 */
export function useTwoServers(env: Record<string, string> = {}): ServerProcess[] {
  const servers: ServerProcess[] = [];
  let drop: () => Promise<void> = () => Promise.resolve();
  beforeAll(async () => {
    const database = await freshDatabase();
    drop = () => database?.drop() ?? Promise.resolve();
    const all = { DATABASE_URL: database?.url as string, ...env };
    servers.push(...(await Promise.all([startServer(all), startServer(all)])));
  });
  afterAll(async () => {
    for (const server of servers) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await drop();
  });
  return servers;
}

/** Asks until `done` holds for the answer, at most 100 times 100 ms (other processes learn at their next refresh). */
export async function eventually<T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await ask();
    if (done(answer) || attempt >= 100) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
