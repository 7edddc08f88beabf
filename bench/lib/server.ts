import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchAuthorization } from './bench-token';
import { freePort, sleep } from './net';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ServerLogLine {
  level: number;
  text: string;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  pid: number;
  /** The Authorization header for every request (security is on, as in production). */
  authorization: string;
  /** Lines the server wrote at level warn or above (pino level >= 40), or that were not JSON. */
  readonly problems: ServerLogLine[];
  /** Last lines of output, for diagnosing a failed start. */
  tail(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartServerOptions {
  label: string;
  /** Store settings: DATABASE_URL, or DATA_DIR for PGlite. */
  env: Record<string, string>;
  readyTimeoutMs: number;
}

/**
 * Starts `node --import tsx src/main.ts` (the server from source, without the tsx CLI wrapper, so
 * the pid is the server itself) on a free loopback port and waits until GET /readyz answers 200.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Only the settings given here may choose the store.
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.BASE_URL;
  // DATA_DIR also receives the first start's dev-client.json on PostgreSQL; tokens outlive the longest bench.
  const dataDir = options.env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stroma-bench-keys-'));
  Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ACCESS_TOKEN_SECONDS: '3600', DATA_DIR: dataDir }, options.env);

  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`${options.label}: could not spawn the server`);
  }

  const tailLines: string[] = [];
  const problems: ServerLogLine[] = [];
  let exitInfo: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
  });
  const onLine = (line: string) => {
    if (!line.trim()) return;
    tailLines.push(line);
    if (tailLines.length > 200) tailLines.shift();
    const level = pinoLevel(line);
    if (level === undefined || level >= 40) {
      problems.push({ level: level ?? 0, text: line });
      if (problems.length > 1000) problems.shift();
    }
  };
  lineReader(child.stdout, onLine);
  lineReader(child.stderr, onLine);

  let stopping: Promise<void> | undefined;
  const server: RunningServer = {
    origin: `http://127.0.0.1:${port}`,
    pid,
    authorization: '',
    problems,
    tail: () => tailLines.slice(-40).join('\n'),
    exited: () => exitInfo !== undefined,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (exitInfo !== undefined) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exitedPromise;
        clearTimeout(timer);
        if (options.env.DATA_DIR === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (exitInfo !== undefined) {
      throw new Error(`${options.label}: server exited (${exitInfo}) before it was ready; output:\n${server.tail()}`);
    }
    if (Date.now() > deadline) {
      await server.stop(2000);
      throw new Error(`${options.label}: /readyz not 200 after ${options.readyTimeoutMs} ms; output:\n${server.tail()}`);
    }
    try {
      const res = await fetch(`${server.origin}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        server.authorization = await benchAuthorization(server.origin, env);
        return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
}

function pinoLevel(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && 'level' in parsed && typeof parsed.level === 'number') {
      return parsed.level;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

export function lineReader(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (buffered) onLine(buffered);
    buffered = '';
  });
}
