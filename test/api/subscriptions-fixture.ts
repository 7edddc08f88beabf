import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdverseEvent, Subscription } from '@medplum/fhirtypes';
import { subscriptionDelivery, type AppDependencies } from '../../src/app';
import { loadConfig } from '../../src/config';
import { startDeliveryWorker, type DeliveryWorker } from '../../src/subscriptions';

/** One notification a receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered it with. */
  status: number;
}

/** A rest-hook endpoint on a free local port: answers each POST with the next status of `statuses` (200 once they run out). */
export interface Receiver {
  url: string;
  received: Received[];
  /** The statuses to answer the next requests with, in order. */
  statuses: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the test workers failed at (a test asserts there is nothing). */
export const workerErrors: unknown[] = [];

/** The delivery worker main.ts starts, polling fast and retrying after 100 to 200 ms, woken by the app's own writes. */
export function startTestWorker(deps: AppDependencies, retry: { initialMs?: number; hours?: number } = {}): DeliveryWorker {
  const settings = { ...loadConfig({}).subscriptions, retryInitialMs: retry.initialMs ?? 200, retryHours: retry.hours ?? 24, pollMs: 50, timeoutMs: 2000 };
  const worker = startDeliveryWorker(subscriptionDelivery(deps, settings), {
    pollMs: settings.pollMs,
    batchSize: 10,
    onError: (error) => workerErrors.push(error),
  });
  deps.subscriptions.bell.answer(() => worker.wake());
  return worker;
}

export function restHook(criteria: string, endpoint: string, extra: Partial<Subscription['channel']> = {}): Subscription {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'Serious adverse events of the study',
    criteria,
    channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', ...extra },
  };
}

export function adverseEvent(patient: string, seriousness: 'serious' | 'non-serious'): AdverseEvent {
  return {
    resourceType: 'AdverseEvent',
    actuality: 'actual',
    subject: { reference: patient },
    date: '2024-03-02T10:00:00Z',
    seriousness: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: seriousness }] },
  };
}

/** Waits until `done` holds (checked every 20 ms), failing after `ms`. */
export async function eventually(done: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
