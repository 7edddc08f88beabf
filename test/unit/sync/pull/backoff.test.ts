import { backoffDelay, parseRetryAfter, RetriesExhaustedError, RetryableError, withRetries, type RetryPolicy } from '../../../../src/sync/pull/backoff';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('Retry-After', () => {
  it('when it is delta-seconds, then that many seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('when it is an HTTP-date, then the time until it, and no wait for a date past', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:59:00 GMT', NOW)).toBe(0);
  });

  it('when it is absent or unreadable, then none (the backoff applies)', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1.5', '2024-13-45']) expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('backoff with full jitter', () => {
  it('when the jitter is at its bounds, then the wait is 0 and just under the doubling ceiling', () => {
    expect(backoffDelay(1, POLICY, () => 0)).toBe(0);
    expect(backoffDelay(1, POLICY, () => 0.999999)).toBe(99);
    expect(backoffDelay(3, POLICY, () => 0.999999)).toBe(399);
  });

  it('when retries go on, then the ceiling stops at maxDelayMs', () => {
    expect(backoffDelay(10, POLICY, () => 0.999999)).toBe(999);
  });

  it('when drawn many times, then every wait lies in [0, ceiling)', () => {
    for (let retry = 1; retry <= 6; retry++) {
      const ceiling = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * 2 ** (retry - 1));
      for (let i = 0; i < 200; i++) {
        const wait = backoffDelay(retry, POLICY);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceiling);
      }
    }
  });
});

describe('withRetries', () => {
  const recording = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  it('when attempts fail retryably and then succeed, then it waits between them (Retry-After when given)', async () => {
    const { waits, sleep } = recording();
    const failures = [new RetryableError('503'), new RetryableError('429', 2000 - 1500)];
    const result = await withRetries(async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      return 'ok';
    }, POLICY, { sleep, random: () => 0.5 });
    expect(result).toBe('ok');
    expect(waits).toEqual([50, 500]);
  });

  it('when every attempt fails, then it stops after maxAttempts with the last message', async () => {
    const { waits, sleep } = recording();
    let attempts = 0;
    const run = withRetries(async () => {
      attempts++;
      throw new RetryableError(`503 #${attempts}`);
    }, POLICY, { sleep });
    await expect(run).rejects.toThrow(new RetriesExhaustedError('503 #4 (4 attempts)'));
    expect(waits).toHaveLength(3);
  });

  it('when Retry-After asks for more than maxDelayMs, then it gives up instead of retrying early', async () => {
    const { waits, sleep } = recording();
    await expect(withRetries(async () => { throw new RetryableError('429', 60_000); }, POLICY, { sleep })).rejects.toThrow(/Retry-After asks for 60 s/);
    expect(waits).toEqual([]);
  });

  it('when an attempt fails otherwise, then that error at once', async () => {
    const { waits, sleep } = recording();
    await expect(withRetries(async () => { throw new Error('400'); }, POLICY, { sleep })).rejects.toThrow('400');
    expect(waits).toEqual([]);
  });
});
