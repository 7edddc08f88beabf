/** Latency figures of one series of sequential runs, in ms. */
export interface LatencyStats {
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles: with 200 runs, p99 is the second slowest. */
export function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p);
  return { runs: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? Number.NaN };
}

export interface TimedResponse {
  ms: number;
  status: number;
  body: string;
}

/** One GET, timed from the request until the whole body has arrived (keep-alive connection). */
export async function timedGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<TimedResponse> {
  const start = performance.now();
  const res = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)]) });
  const body = await res.text();
  return { ms: performance.now() - start, status: res.status, body };
}

/** Times fn, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
