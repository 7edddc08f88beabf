import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, BundleEntry, ResearchStudy } from '@medplum/fhirtypes';
import type { FhirRequest, HandlerResult } from '../fhir/types';

export type ServerDispatch = (request: FhirRequest) => Promise<HandlerResult>;

export interface SeedTrialsReport {
  /** The NCT numbers loaded; empty when the store already held studies. */
  loaded: string[];
  /** How many resources the transaction created or updated. */
  resources: number;
}

/**
 * Loads the seed trials (bundles/trials) on a first start: when the store has never held a
 * ResearchStudy, current or deleted. A restart, or a store whose studies were all deleted on purpose,
 * is left as it is. All trials go in one transaction, so a start that fails half-way leaves none and
 * the next start loads them all.
 */
export async function loadSeedTrials(dispatch: ServerDispatch, trials: readonly Bundle[]): Promise<SeedTrialsReport> {
  if (trials.length === 0 || (await heldAnyStudy(dispatch))) return { loaded: [], resources: 0 };
  const [, response] = await dispatch({ method: 'POST', path: '', query: [], body: oneTransaction(trials), contentType: 'application/fhir+json' });
  return { loaded: trials.map(nctIdOf), resources: (response as Bundle).entry?.length ?? 0 };
}

/** ResearchStudy history, deletions included: any version at all means this is not a first start. */
async function heldAnyStudy(dispatch: ServerDispatch): Promise<boolean> {
  const [, history] = await dispatch({ method: 'GET', path: 'ResearchStudy/_history', query: [['_count', '1']] });
  return ((history as Bundle).entry?.length ?? 0) > 0;
}

/**
 * The trials' entries as one transaction. Entries are keyed by identifier and their fullUrls derived from
 * the key, so a resource two trials share (AP-HP sponsors two of them) has one fullUrl: it is kept once.
 */
function oneTransaction(trials: readonly Bundle[]): Bundle {
  const seen = new Set<string>();
  const entry: BundleEntry[] = [];
  for (const trial of trials) {
    for (const e of trial.entry ?? []) {
      if (e.fullUrl && seen.has(e.fullUrl)) continue;
      if (e.fullUrl) seen.add(e.fullUrl);
      entry.push(e);
    }
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

function nctIdOf(trial: Bundle): string {
  const study = trial.entry?.find((e) => e.resource?.resourceType === 'ResearchStudy')?.resource as ResearchStudy | undefined;
  return study?.identifier?.find((i) => i.system === 'https://clinicaltrials.gov')?.value ?? '(no NCT number)';
}

/** The transaction Bundles of `dir` (bundles/trials: one JSON file per trial), in file name order. */
export function readTrialBundles(dir: string): Bundle[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Bundle);
}
