import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { demoBundle } from '../trial/demo';
import { nctIdOf } from './demo-trials';
import type { FhirAnswer, FhirSend } from './fhir-session';

/** The seed `npm run load:demo` uses unless told otherwise. */
export const DEFAULT_DEMO_SEED = 6;

export interface LoadDemoOptions {
  readonly seed: number;
  /** Only these trials (NCT numbers); all when empty. */
  readonly trials: readonly string[];
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

function diagnostics(answer: FhirAnswer): string {
  const body = answer.body as OperationOutcome | undefined;
  const issues = body?.resourceType === 'OperationOutcome' ? (body.issue ?? []).map((i) => i.diagnostics ?? i.code) : [];
  return issues.length > 0 ? issues.join('\n  ') : `HTTP ${answer.status}`;
}

async function studyStored(send: FhirSend, nctId: string): Promise<FhirAnswer & { found: boolean }> {
  const query: [string, string][] = [
    ['identifier', `https://clinicaltrials.gov|${nctId}`],
    ['_summary', 'count'],
  ];
  const answer = await send({ method: 'GET', path: 'ResearchStudy', query });
  return { ...answer, found: answer.status === 200 && ((answer.body as Bundle | undefined)?.total ?? 0) > 0 };
}

function summary(bundle: Bundle): string {
  const count = (type: string): number => (bundle.entry ?? []).filter((e) => e.resource?.resourceType === type).length;
  return `${bundle.entry?.length ?? 0} resources written (${count('Patient')} subjects, ${count('MedicationAdministration')} infusions, ${count('Observation')} observations, ${count('AdverseEvent')} adverse events)`;
}

/** Generates and commits each trial's demo Bundle; 0 when all were written, 1 otherwise. */
export async function loadDemo(send: FhirSend, trials: readonly Bundle[], options: LoadDemoOptions, output: Output): Promise<number> {
  const known = new Map(trials.map((t) => [nctIdOf(t) ?? '', t]));
  const unknown = options.trials.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    output.err(`No trial bundle for ${unknown.join(', ')} (known: ${[...known.keys()].join(', ')})`);
    return 1;
  }
  const chosen = options.trials.length > 0 ? options.trials : [...known.keys()];
  let failed = false;
  for (const nctId of chosen) {
    const study = await studyStored(send, nctId);
    if (!study.found) {
      output.err(study.status === 200 ? `${nctId}: its ResearchStudy is not in the store; load the trial first (npm start loads the seed trials on first start; any trial: npm run import:ctgov -- bundles/ctgov/${nctId}.json)` : `${nctId}: cannot look up its ResearchStudy: ${diagnostics(study)}`);
      failed = true;
      continue;
    }
    const bundle = demoBundle(known.get(nctId) as Bundle, options.seed);
    const answer = await send({ method: 'POST', path: '', body: bundle });
    if (answer.status !== 200) {
      output.err(`${nctId}: the server refused the demo data (${answer.status}):\n  ${diagnostics(answer)}`);
      failed = true;
      continue;
    }
    output.out(`${nctId}: ${summary(bundle)}`);
  }
  return failed ? 1 : 0;
}
