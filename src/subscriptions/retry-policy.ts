/** How long and how often a notification is tried again (SUBSCRIPTION_RETRY_*). */
export interface RetryPolicy {
  /** Retries stop this long after the notification was queued. */
  retryForMs: number;
  /** The first retry's delay ceiling; it doubles with each attempt. */
  initialDelayMs: number;
  /** The longest delay between two attempts. */
  maxDelayMs: number;
}

/**
 * When to try again after failed attempt number `attempts` (1 for the first), or undefined when the
 * retry period is over. Exponential backoff with jitter: the delay is between half and all of its
 * ceiling, so workers that failed together spread out, and never less than half the ceiling, so
 * an endpoint that is down is not hammered. The last attempt is made at the end of the period.
 */
export function nextAttempt(policy: RetryPolicy, attempts: number, queuedAt: number, now: number, random: () => number = Math.random): Date | undefined {
  const deadline = queuedAt + policy.retryForMs;
  if (now >= deadline) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempts - 1, 40));
  const delay = ceiling / 2 + random() * (ceiling / 2);
  return new Date(Math.min(now + delay, deadline));
}
