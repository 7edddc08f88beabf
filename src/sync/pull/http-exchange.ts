import { parseRetryAfter, RetryableError } from './backoff';

/**
 * One HTTP exchange with an EHR, its failure sorted for the retry loop: 429, 5xx, a dropped connection
 * and a timeout are RetryableErrors; another 4xx is a PermanentHttpError (retrying cannot help: a bad
 * query, a refused client), which fails the patient's or the Endpoint's run with its text recorded.
 */

/** A 4xx other than 429: the request itself is wrong or refused. */
export class PermanentHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ExchangeOptions {
  fetch: typeof fetch;
  /** Per attempt, connection to the last byte. */
  timeoutMs: number;
  /** Aborts the exchange (shutdown): the AbortError is not retried. */
  signal?: AbortSignal;
}

/** The JSON body of a 2xx answer to `init` at `url`. */
export async function exchangeJson(url: string, init: RequestInit, options: ExchangeOptions): Promise<unknown> {
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  const what = `${init.method ?? 'GET'} ${url}`;
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await options.fetch(url, { ...init, signal: AbortSignal.any(signals), redirect: 'manual' });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // fetch's TypeError (connection refused, reset, closed mid-answer) or the attempt's timeout.
    throw new RetryableError(`${what}: ${describe(error)}`);
  }
  if (status === 429 || status >= 500) {
    throw new RetryableError(`${what}: ${status}${detailOf(text)}`, parseRetryAfter(retryAfter));
  }
  // A redirect is not followed (it could take the access token elsewhere): the Endpoint's address needs fixing.
  if (status < 200 || status >= 300) throw new PermanentHttpError(`${what}: ${status}${detailOf(text)}`, status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PermanentHttpError(`${what}: ${status} with a body that is not JSON`, status);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

/** ": <diagnostics>" from an OperationOutcome or an OAuth error body, short, for the run's record. */
function detailOf(text: string): string {
  let detail = text.trim();
  try {
    const body = JSON.parse(text) as { issue?: { diagnostics?: string; details?: { text?: string } }[]; error?: string; error_description?: string };
    const issue = body.issue?.[0];
    detail = issue?.diagnostics ?? issue?.details?.text ?? [body.error, body.error_description].filter(Boolean).join(': ');
  } catch {
    // not JSON: the text as it is
  }
  return detail ? `: ${detail.slice(0, 300)}` : '';
}
