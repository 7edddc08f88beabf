import type { MedicationAdministration } from '@medplum/fhirtypes';
import type { ResourceReader } from '../../store/repository';
import { type InfusionFacts, studyIdOf } from './infusion-facts';
import { concernsPatient, severeRelatedEvent, type TrsaeFinding } from './trsae';

/** A TRSAE of the study: the finding, and the study infusion it is related to. */
export interface StudyTrsae extends TrsaeFinding {
  infusionId: string;
}

/**
 * The patient's treatment-related severe adverse events in the study: grade >= 3 and related to one of
 * the study's infusions (MedicationAdministrations naming the study), in the order the store gives them.
 */
export async function studyTrsaes(
  reader: ResourceReader,
  facts: InfusionFacts,
  patientId: string,
  studyId: string,
  researchSubjectIds: readonly string[],
): Promise<StudyTrsae[]> {
  const found: StudyTrsae[] = [];
  for (const event of await facts.adverseEvents(reader, patientId, studyId)) {
    const finding = concernsPatient(event, patientId, researchSubjectIds) ? severeRelatedEvent(event) : undefined;
    if (!finding) continue;
    for (const infusionId of finding.infusionIds) {
      const suspect = await facts.read<MedicationAdministration>(reader, 'MedicationAdministration', infusionId);
      if (suspect && studyIdOf(suspect) === studyId) {
        found.push({ ...finding, infusionId });
        break;
      }
    }
  }
  return found;
}
