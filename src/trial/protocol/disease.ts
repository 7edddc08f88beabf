import type { ResearchStudy } from '@medplum/fhirtypes';

/** The diseases the seed trials treat, which decide their assessments and efficacy outcomes. */
export type DiseaseKind = 'systemic-sclerosis' | 'lupus';

/** SNOMED CT: systemic sclerosis; systemic lupus erythematosus (and its disorder code). */
const SSC_CODES = new Set(['89155008']);
const LUPUS_CODES = new Set(['55464009', '200936003']);

/** The disease of a study from its coded conditions (SNOMED CT); undefined for any other. */
export function diseaseOf(study: ResearchStudy): DiseaseKind | undefined {
  const codes = (study.condition ?? []).flatMap((c) => c.coding ?? []).filter((c) => c.system === 'http://snomed.info/sct');
  if (codes.some((c) => SSC_CODES.has(c.code ?? ''))) return 'systemic-sclerosis';
  if (codes.some((c) => LUPUS_CODES.has(c.code ?? ''))) return 'lupus';
  return undefined;
}
