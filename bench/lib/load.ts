import { percentile } from './latency';
import autocannon from 'autocannon';

export interface LoadOptions {
  title: string;
  origin: string;
  connections: number;
  durationSeconds: number;
  /** One request template, varied per request by its setupRequest. */
  request: autocannon.Request;
  /** Called with the body of every 2xx response (e.g. to collect created ids). */
  onOk?: (status: number, body: string) => void;
  signal?: AbortSignal;
}

export interface LoadResult {
  title: string;
  seconds: number;
  /** Responses received (any status). */
  responses: number;
  ok: number;
  non2xx: number;
  byStatus: Record<string, number>;
  /** A few non-2xx bodies, for the report. */
  samples: string[];
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** 2xx responses per second. */
  okPerSecond: number;
  /** Latency of every response, in ms. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Runs autocannon against one endpoint for a fixed duration, recording the latency of every
 * response itself (autocannon's histogram has no p95).
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const samples: string[] = [];
  let ok = 0;
  const onResponse = (status: number, body: string): void => {
    if (status >= 200 && status < 300) {
      ok += 1;
      options.onOk?.(status, body);
    } else if (samples.length < 5) {
      samples.push(`${status} ${body.slice(0, 500)}`);
    }
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.origin,
        title: options.title,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 30,
        requests: [{ ...options.request, onResponse }],
      },
      (error: unknown, result: autocannon.Result) => {
        options.signal?.removeEventListener('abort', abort);
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (options.signal?.aborted) {
          reject(new Error(`${options.title}: aborted`));
          return;
        }
        latencies.sort((a, b) => a - b);
        const byStatus: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
          byStatus[code] = stat.count ?? 0;
        }
        const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
        resolve({
          title: options.title,
          seconds,
          responses: latencies.length,
          ok,
          non2xx: result.non2xx,
          byStatus,
          samples,
          errors: result.errors,
          timeouts: result.timeouts,
          okPerSecond: ok / seconds,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: latencies.length > 0 ? latencies[latencies.length - 1] : Number.NaN,
        });
      },
    );
    instance.on('response', (_client: autocannon.Client, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
    const abort = () => instance.stop();
    options.signal?.addEventListener('abort', abort, { once: true });
  });
}
