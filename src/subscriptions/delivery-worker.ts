import type { DeliveryServices } from './deliver';
import { deliver } from './deliver';

export interface WorkerOptions {
  /** How often the queue is asked for due notifications when nothing woke the worker. */
  pollMs: number;
  /** Notifications claimed, and sent in parallel, at once. */
  batchSize: number;
  onError(error: unknown): void;
}

export interface DeliveryWorker {
  /** Looks at the queue now (a notification was just queued by this process). */
  wake(): void;
  /** Stops claiming; resolves once the notifications in hand are sent and recorded. */
  stop(): Promise<void>;
}

/** Ended notifications are kept this long as the record of what was sent, withheld or given up, and why. */
const KEEP_ENDED_MS = 7 * 24 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

/**
 * The delivery loop of one server process. Each pass claims due notifications (leased, so the
 * workers of other processes skip them, and take them over if this process dies holding them) and
 * sends them; a full batch is followed at once by the next. The queue lives in the store, so a
 * restarted server resumes where the last one stopped.
 */
export function startDeliveryWorker(services: DeliveryServices, options: WorkerOptions): DeliveryWorker {
  // A claim outlives the slowest attempt, so another worker never takes a notification still being sent.
  const leaseMs = services.timeoutMs * 2 + 30_000;
  let running = true;
  let woken = false;
  let sleeper: (() => void) | undefined;
  let lastPurge = 0;

  const pass = async (): Promise<boolean> => {
    const claimed = await services.queue.claim(options.batchSize, leaseMs);
    await Promise.all(claimed.map((delivery) => deliver(services, delivery).catch(options.onError)));
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      await services.queue.purgeEnded(new Date(Date.now() - KEEP_ENDED_MS));
    }
    return claimed.length === options.batchSize;
  };

  const sleep = () => new Promise<void>((resolve) => {
    if (woken || !running) return resolve();
    const timer = setTimeout(resolve, options.pollMs);
    sleeper = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  const loop = (async () => {
    while (running) {
      woken = false;
      let more = false;
      try {
        more = await pass();
      } catch (error) {
        options.onError(error);
      }
      if (!more) await sleep();
      sleeper = undefined;
    }
  })();

  return {
    wake() {
      woken = true;
      sleeper?.();
    },
    async stop() {
      running = false;
      sleeper?.();
      await loop;
    },
  };
}
