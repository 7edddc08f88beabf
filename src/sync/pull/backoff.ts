import { setTimeout as delay } from 'node:timers/promises';

/**
 * Retries of requests to an EHR: 429, 5xx and dropped connections are passing states of a busy or
 * restarting server, so the request is made again after an exponential backoff with full jitter (AWS's
 * "Exponential Backoff And Jitter": a uniform wait in [0, min(cap, base * 2^n)], which spreads the
 * retries of many clients best), or after the server's Retry-After when it gives one. Hand-written:
 * the maintained backoff packages do not read Retry-After, which is most of the logic here.
 */

export interface RetryPolicy {
  /** Most attempts, the first included. */
  maxAttempts: number;
  /** The first retry's backoff ceiling, in ms; doubled at each further retry. */
  baseDelayMs: number;
  /** No wait is longer; a Retry-After asking for more ends the attempts instead of ignoring it. */
  maxDelayMs: number;
}

/** A failure worth another attempt (429, 5xx, a dropped connection), with the server's Retry-After if any. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The attempts ran out (or the server asked to wait longer than the cap): the last failure's message. */
export class RetriesExhaustedError extends Error {}

export interface RetryHooks {
  /** Waits `ms`; rejects when `signal` aborts (shutdown). Tests pass one that records and returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1): the jitter. */
  random?: () => number;
  signal?: AbortSignal;
  /** Told before each wait. */
  onRetry?: (error: RetryableError, attempt: number, waitMs: number) => void;
}

/**
 * The wait Retry-After asks for, in ms: delta-seconds ("120") or an HTTP-date (a date in the past is no
 * wait); undefined when absent or unreadable, and the backoff applies.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The backoff before retry `retry` (1 for the first): uniform in [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Runs `attempt` until it succeeds or throws anything but a RetryableError, at most `policy.maxAttempts` times. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (n >= policy.maxAttempts) throw new RetriesExhaustedError(`${error.message} (${n} attempts)`);
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxDelayMs) {
        throw new RetriesExhaustedError(`${error.message}: Retry-After asks for ${Math.ceil(error.retryAfterMs / 1000)} s, more than the ${policy.maxDelayMs} ms allowed`);
      }
      const waitMs = error.retryAfterMs ?? backoffDelay(n, policy, hooks.random);
      hooks.onRetry?.(error, n, waitMs);
      await sleep(waitMs, hooks.signal);
    }
  }
}
