import type { ResearchStudy, ResearchStudyArm } from '@medplum/fhirtypes';

export const DOSE_PER_KG_EXTENSION = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';

/** The study's arm of that name (ResearchSubject.assignedArm names one, DOMAIN.md). */
export function armNamed(study: ResearchStudy, name: string): ResearchStudyArm | undefined {
  return (study.arm ?? []).find((arm) => arm.name === name);
}

/** The arm's planned cells per kg body weight (dose-per-kg extension), when it infuses cells. */
export function dosePerKgOf(arm: ResearchStudyArm): number | undefined {
  return arm.extension?.find((e) => e.url === DOSE_PER_KG_EXTENSION)?.valueQuantity?.value;
}

/** A placebo-comparator arm (R4 research-study-arm-type). */
export function isPlaceboArm(arm: ResearchStudyArm): boolean {
  return arm.type?.coding?.some((c) => c.code === 'placebo-comparator') ?? false;
}
