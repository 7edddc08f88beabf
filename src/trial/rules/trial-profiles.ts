import type { AdverseEvent, Observation, Resource, ResearchStudy } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { ProfileRule } from '../../fhir/validation/write-rules';
import type { IndexedParameter, ResourceReader, WriteMethod } from '../../store/repository';
import { inPanel } from '../protocol/lab-panel';

const STROMA = 'https://stroma-fhir.org/fhir/StructureDefinition/';
const AE_PROFILE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/AdverseEvent-clinical-research';
const AE_SUBJECT_EXTENSION = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/research-subject-ref';
/** DOMAIN.md, "Linking data to a study": how an Observation or MedicationAdministration names its study. */
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
const NCT_SYSTEM = 'https://clinicaltrials.gov';

export const TRIAL_PROFILES = {
  study: `${STROMA}stroma-research-study`,
  subject: `${STROMA}stroma-research-subject`,
  participant: `${STROMA}stroma-participant`,
  infusion: `${STROMA}stroma-infusion`,
  observation: `${STROMA}stroma-trial-observation`,
  adverseEvent: AE_PROFILE,
} as const;

/**
 * Trial data conforms to the trial profiles whether or not its meta.profile says so. What counts as
 * trial data, and which profile matches it:
 * - a ResearchStudy registered on ClinicalTrials.gov (an NCT identifier): the study profile;
 * - every ResearchSubject (it always names its study): the subject profile;
 * - a Patient that a ResearchSubject enrols: the participant profile;
 * - a MedicationAdministration naming its study (the workflow-researchStudy extension): the infusion
 *   profile (a participant's other medications are not the trial's infusions);
 * - an AdverseEvent naming its study (`study`, or the AE IG's research-subject-ref): the AE IG profile;
 * - an Observation naming its study, or about an enrolled patient (hospital labs arrive without
 *   the link): the measurement profile for its code, else the common trial observation profile.
 */
export function trialProfileRule(registries: FhirRegistries): ProfileRule {
  const individual = registries.searchParameters.get('ResearchSubject', 'individual') as IndexedParameter;
  const enrolled = async (patient: unknown, reader: ResourceReader): Promise<boolean> => {
    if (typeof patient !== 'string' || !patient.startsWith('Patient/')) return false;
    return reader.exists({
      resourceType: 'ResearchSubject',
      filters: [{ param: individual, values: [{ value: patient }] }],
      sort: [],
      count: 1,
      offset: 0,
      total: 'none',
    });
  };

  return {
    async profilesFor(resource: Resource, reader: ResourceReader, method: WriteMethod): Promise<readonly string[]> {
      switch (resource.resourceType) {
        case 'ResearchStudy':
          return isRegisteredTrial(resource) ? [TRIAL_PROFILES.study] : [];
        case 'ResearchSubject':
          return [TRIAL_PROFILES.subject];
        case 'Patient':
          // A new id (POST) is enrolled by nothing yet, but by a ResearchSubject later in its transaction
          // (the pipeline checks again at commit, see changesLinks).
          return method !== 'POST' && (await enrolled(`Patient/${resource.id}`, reader)) ? [TRIAL_PROFILES.participant] : [];
        case 'MedicationAdministration':
          return namesStudy(resource) ? [TRIAL_PROFILES.infusion] : [];
        case 'AdverseEvent':
          return aeNamesStudy(resource) ? [TRIAL_PROFILES.adverseEvent] : [];
        case 'Observation':
          return namesStudy(resource) || (await enrolled(resource.subject?.reference, reader))
            ? [observationProfile(resource, registries)]
            : [];
        default:
          return [];
      }
    },
    changesLinks: (resource) => resource.resourceType === 'ResearchSubject',
  };
}

/**
 * The rules run before validation (which needs the profiles they select), so they read content that
 * may not be well-formed ($validate's whole point): an element that should be an array and is not
 * counts as absent, and validation reports it.
 */
function listOf<T>(value: T[] | undefined): (T | undefined)[] {
  return Array.isArray(value) ? value : [];
}

function isRegisteredTrial(study: ResearchStudy): boolean {
  return listOf(study.identifier).some((i) => i?.system === NCT_SYSTEM);
}

function namesStudy(resource: Resource & { extension?: { url: string }[] }): boolean {
  return listOf(resource.extension).some((e) => e?.url === STUDY_EXTENSION);
}

function aeNamesStudy(event: AdverseEvent): boolean {
  return listOf(event.study).length > 0 || listOf(event.extension).some((e) => e?.url === AE_SUBJECT_EXTENSION);
}

/**
 * The trial measurement profile fixing this Observation's code (DOMAIN.md's table), or the common
 * parent when none does: a lab outside the table is still held to who, when and in which unit system.
 */
function observationProfile(observation: Observation, registries: FhirRegistries): string {
  const codings = listOf(observation.code?.coding);
  const matching = registries.profiles
    .profilesFor('Observation')
    .filter((p) => p.url.startsWith(STROMA) && p.codes.length > 0)
    .filter((p) => inPanel(codings, p.codes));
  return matching.length === 1 ? matching[0].url : TRIAL_PROFILES.observation;
}
