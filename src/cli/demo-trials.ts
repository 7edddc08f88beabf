import type { Bundle, ResearchStudy } from '@medplum/fhirtypes';

const NCT_SYSTEM = 'https://clinicaltrials.gov';

/** The NCT number of a trial's transaction Bundle (its ResearchStudy's ClinicalTrials.gov identifier). */
export function nctIdOf(trial: Bundle): string | undefined {
  const study = trial.entry?.find((e) => e.resource?.resourceType === 'ResearchStudy')?.resource as ResearchStudy | undefined;
  return study?.identifier?.find((i) => i.system === NCT_SYSTEM)?.value;
}
