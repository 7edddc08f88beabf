import { nextAttempt, type RetryPolicy } from '../../../src/subscriptions/retry-policy';

const policy: RetryPolicy = { retryForMs: 24 * 3600_000, initialDelayMs: 1000, maxDelayMs: 60_000 };
const queued = Date.parse('2024-03-01T00:00:00Z');

describe('the notification retry policy', () => {
  it('when attempts fail one after another, then the delay ceiling doubles from the initial delay', () => {
    const ceilings = [1, 2, 3, 4].map((n) => (nextAttempt(policy, n, queued, queued, () => 1)?.getTime() ?? 0) - queued);
    expect(ceilings).toEqual([1000, 2000, 4000, 8000]);
  });

  it('when jitter draws its lowest, then the delay is half the ceiling, never less', () => {
    expect((nextAttempt(policy, 3, queued, queued, () => 0)?.getTime() ?? 0) - queued).toBe(2000);
  });

  it('when the ceiling would pass the maximum delay, then the maximum holds', () => {
    expect((nextAttempt(policy, 30, queued, queued, () => 1)?.getTime() ?? 0) - queued).toBe(60_000);
  });

  it('when the next delay would end after the retry period, then the last attempt is at the end of the period', () => {
    const now = queued + policy.retryForMs - 10_000;
    expect(nextAttempt(policy, 30, queued, now, () => 1)?.getTime()).toBe(queued + policy.retryForMs);
  });

  it('when the retry period is over, then there is no next attempt', () => {
    expect(nextAttempt(policy, 50, queued, queued + policy.retryForMs)).toBeUndefined();
  });
});
