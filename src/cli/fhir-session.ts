import pino from 'pino';
import { buildDependencies, serverDispatcher } from '../app';
import { loadConfig } from '../config';
import { OperationOutcomeError, statusOf } from '../fhir/outcomes';
import type { FhirMethod } from '../fhir/types';
import { loadSeedTrials, readTrialBundles } from '../trial/seed-trials';

export interface FhirCall {
  method: FhirMethod;
  /** Below the FHIR base, without a leading slash: "ResearchStudy/$import-ctgov", "" for a Bundle. */
  path: string;
  query?: [string, string][];
  body?: unknown;
}

export interface FhirAnswer {
  status: number;
  body: unknown;
}

export type FhirSend = (call: FhirCall) => Promise<FhirAnswer>;

/**
 * Runs `work` with a way to make FHIR requests: to the server at `url` (a FHIR base, with the bearer token
 * of STROMA_TOKEN when set) or, without one, straight through this process's own router on the store the
 * configuration names (the embedded store's directory is locked while a server holds it: use `url` then),
 * loading the seed trials first if the store is new and SEED_TRIALS says so, as a server start would.
 */
export async function withFhirSession<T>(url: string | undefined, work: (send: FhirSend) => Promise<T>): Promise<T> {
  if (url) return work(remoteSender(url, process.env.STROMA_TOKEN));
  const config = loadConfig();
  const deps = await buildDependencies(config, pino({ level: 'error' }));
  try {
    const dispatch = serverDispatcher({ ...deps, config });
    // Whichever program opens a new store first, it holds the seed trials afterwards, as after `npm start`.
    if (config.seedTrials) await loadSeedTrials(dispatch, readTrialBundles(config.trialBundlesDir));
    return await work(async ({ method, path, query = [], body }) => {
      try {
        const [outcome, resource] = await dispatch({ method, path, query, body, contentType: 'application/fhir+json' });
        return { status: statusOf(outcome.category), body: resource ?? outcome.outcome };
      } catch (error) {
        if (error instanceof OperationOutcomeError) return { status: statusOf(error.category), body: error.outcome };
        throw error;
      }
    });
  } finally {
    await deps.security.close();
    await deps.repo.close();
    await deps.uploads.close();
  }
}

function remoteSender(url: string, token: string | undefined): FhirSend {
  const base = url.replace(/\/+$/, '');
  return async ({ method, path, query = [], body }) => {
    const search = query.length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    const response = await fetch(`${base}/${path}${search}`, {
      method,
      headers: {
        accept: 'application/fhir+json',
        ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  };
}

/** What an OperationOutcome says, one issue per line; empty for anything else. */
export function diagnosticsOf(body: unknown): string {
  const outcome = body as { resourceType?: string; issue?: { diagnostics?: string; expression?: string[] }[] } | undefined;
  if (outcome?.resourceType !== 'OperationOutcome') return '';
  return (outcome.issue ?? []).map((i) => `  ${i.expression?.length ? `${i.expression.join(', ')}: ` : ''}${i.diagnostics ?? ''}`).join('\n');
}
