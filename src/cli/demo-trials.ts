import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, ResearchStudy } from '@medplum/fhirtypes';
import { ctgovToBundle } from '../trial/ctgov';

const NCT_SYSTEM = 'https://clinicaltrials.gov';

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function jsonFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f)) : [];
}

export function nctIdOf(trial: Bundle): string | undefined {
  const study = trial.entry?.find((e) => e.resource?.resourceType === 'ResearchStudy')?.resource as ResearchStudy | undefined;
  return study?.identifier?.find((i) => i.system === NCT_SYSTEM)?.value;
}

/**
 * Until bundles/trials holds the generated trial bundles, the arms of a study that the registry record
 * cannot give (NCT02213705's dose cohorts, from the publication) come from the profile examples.
 */
function withExampleArms(trial: Bundle, root: string): Bundle {
  const nctId = nctIdOf(trial);
  const example = jsonFiles(join(root, 'profiles/examples'))
    .filter((f) => /ResearchStudy-.*\.json$/.test(f))
    .map((f) => readJson<ResearchStudy>(f))
    .find((s) => s.identifier?.some((i) => i.system === NCT_SYSTEM && i.value === nctId));
  const studyEntry = trial.entry?.[0];
  const study = studyEntry?.resource as ResearchStudy | undefined;
  const cohorts = example?.arm?.filter((a) => a.extension?.length);
  if (!study || !studyEntry || !cohorts?.length || study.arm?.some((a) => a.extension?.length)) return trial;
  return { ...trial, entry: [{ ...studyEntry, resource: { ...study, arm: cohorts } }, ...(trial.entry ?? []).slice(1)] };
}

/** The trial transaction Bundles: bundles/trials/*.json, or else mapped from bundles/ctgov/*.json. */
export function trialBundles(root: string): Bundle[] {
  const generated = jsonFiles(join(root, 'bundles/trials'));
  if (generated.length > 0) return generated.map((f) => readJson<Bundle>(f));
  return jsonFiles(join(root, 'bundles/ctgov')).map((f) => withExampleArms(ctgovToBundle(readJson<unknown>(f)), root));
}
