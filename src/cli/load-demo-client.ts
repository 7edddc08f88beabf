import type { Logger } from 'pino';
import { buildDependencies, serverDispatcher } from '../app';
import { loadConfig } from '../config';
import { OperationOutcomeError, statusOf } from '../fhir/outcomes';

/** A FHIR answer reduced to what the demo loader reads. */
export interface FhirAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Where the demo goes: the local store, or a running server. */
export interface FhirTarget {
  get(path: string, query: [string, string][]): Promise<FhirAnswer>;
  transaction(bundle: unknown): Promise<FhirAnswer>;
  close(): Promise<void>;
}

/**
 * The local store as the server itself writes to it (serverDispatcher: same router, validation and
 * store, as an admin), opened from DATABASE_URL or the embedded DATA_DIR like npm run reindex.
 */
export async function localTarget(logger: Logger): Promise<FhirTarget> {
  const config = loadConfig();
  const deps = await buildDependencies(config, logger);
  const dispatch = serverDispatcher({ ...deps, config });
  const send = async (request: Parameters<typeof dispatch>[0]): Promise<FhirAnswer> => {
    try {
      const [outcome, resource] = await dispatch(request);
      return { status: statusOf(outcome.category), body: resource ?? outcome.outcome };
    } catch (error) {
      if (error instanceof OperationOutcomeError) return { status: statusOf(error.category), body: error.outcome };
      throw error;
    }
  };
  return {
    get: (path, query) => send({ method: 'GET', path, query }),
    transaction: (bundle) => send({ method: 'POST', path: '', query: [], body: bundle, contentType: 'application/fhir+json' }),
    async close() {
      await deps.security.close();
      await deps.repo.close();
      await deps.uploads.close();
    },
  };
}

/** A running server at base (its FHIR base URL), with `Authorization: Bearer <token>` when a token is given. */
export function remoteTarget(base: string, token: string | undefined): FhirTarget {
  const root = base.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const answer = async (response: Response): Promise<FhirAnswer> => ({ status: response.status, body: await response.json().catch(() => undefined) });
  return {
    get: async (path, query) => answer(await fetch(`${root}/${path}?${new URLSearchParams(query).toString()}`, { headers })),
    transaction: async (bundle) =>
      answer(await fetch(root, { method: 'POST', headers: { ...headers, 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) })),
    close: async () => undefined,
  };
}
