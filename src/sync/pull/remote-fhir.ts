import type { Bundle } from '@medplum/fhirtypes';
import { type RetryHooks, type RetryPolicy, withRetries } from './backoff';
import { exchangeJson, type ExchangeOptions, PermanentHttpError } from './http-exchange';
import type { TokenClient } from './token-client';

/**
 * Reads from an EHR's FHIR API as Stroma's backend client: each GET with the current access token,
 * retried as backoff.ts says; a 401 once means the token went stale early, so a new one is asked for and
 * the request made again once. `next` links are followed only on the EHR's own origin: a link elsewhere
 * would hand the access token to another server.
 */
export class RemoteFhir {
  private readonly origin: string;

  constructor(
    readonly base: string,
    private readonly tokens: TokenClient,
    private readonly retry: RetryPolicy,
    private readonly hooks: RetryHooks,
    private readonly exchange: ExchangeOptions,
  ) {
    this.origin = new URL(base).origin;
  }

  /** The searchset Bundle at `url` (a search URL under the base, or a `next` link). */
  async searchPage(url: string): Promise<Bundle> {
    if (new URL(url).origin !== this.origin) throw new PermanentHttpError(`A link to ${url} leaves the EHR's origin ${this.origin}: not followed`, 0);
    let body: unknown;
    try {
      body = await this.get(url);
    } catch (error) {
      if (!(error instanceof PermanentHttpError) || error.status !== 401) throw error;
      this.tokens.invalidate();
      body = await this.get(url);
    }
    const bundle = body as Bundle | undefined;
    if (bundle?.resourceType !== 'Bundle') throw new PermanentHttpError(`GET ${url}: the answer is not a Bundle`, 200);
    return bundle;
  }

  private get(url: string): Promise<unknown> {
    return withRetries(
      async () => exchangeJson(url, { headers: { Authorization: `Bearer ${await this.tokens.token()}`, Accept: 'application/fhir+json' } }, this.exchange),
      this.retry,
      this.hooks,
    );
  }
}

/** The page's `next` link, if any. */
export function nextLink(bundle: Bundle): string | undefined {
  return bundle.link?.find((l) => l.relation === 'next')?.url;
}
