import type { Resource, Subscription } from '@medplum/fhirtypes';
import { FHIR_JSON } from './subscription-rule';

/** How one POST to a Subscription's endpoint ended. */
export type SendResult =
  | { kind: 'sent' }
  /** Might succeed later unchanged: a timeout, a network error, 408, 429 or 5xx. */
  | { kind: 'retry'; error: string }
  /** Will not succeed unchanged: any other answer (a 4xx, a redirect). */
  | { kind: 'refused'; error: string };

/**
 * POSTs a notification as R4 rest-hook defines it: the channel's headers, and no body or the
 * resource as application/fhir+json (the channel's payload). Redirects are not followed: the
 * endpoint is what the subscriber named, and a body must not be sent anywhere else.
 */
export async function sendNotification(
  fetcher: typeof fetch, subscription: Subscription, resource: Resource | undefined, timeoutMs: number,
): Promise<SendResult> {
  const headers = new Headers();
  for (const header of subscription.channel?.header ?? []) {
    const colon = header.indexOf(':');
    headers.append(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
  }
  if (resource) headers.set('Content-Type', FHIR_JSON);
  let response: Response;
  try {
    response = await fetcher(subscription.channel?.endpoint ?? '', {
      method: 'POST',
      headers,
      body: resource ? JSON.stringify(resource) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'retry', error: `no answer from the endpoint: ${describe(error)}` };
  }
  await response.body?.cancel();
  if (response.status >= 200 && response.status < 300) return { kind: 'sent' };
  const error = `the endpoint answered ${response.status}`;
  if (response.status >= 500 || response.status === 429 || response.status === 408) return { kind: 'retry', error };
  return { kind: 'refused', error };
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}
