import type { Coding, Extension, Observation, ResearchStudy, ResearchSubject, Resource } from '@medplum/fhirtypes';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import { intakeRefusal, type ResultCode, type ResultPanel } from '../../fhir/intake';
import type { BusinessRule } from '../../fhir/validation/business-rules';
import type { IndexedParameter, ResourceReader } from '../../store/repository';
import { inPanel, labPanel } from '../protocol/lab-panel';

/** DOMAIN.md, "Linking data to a study". */
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

/** Refusal reasons (intake-refusal code system). */
export const NOT_A_PARTICIPANT = 'not-a-participant';
export const OUTSIDE_PANEL = 'outside-panel';

/**
 * The ResearchSubject statuses of a consented participant the study still follows: from screening
 * (consent comes first) to follow-up. Before it (candidates) nothing was consented to; after it
 * (ineligible, not registered, off study, withdrawn) the study takes no more of the patient's data.
 */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set([
  'screening', 'eligible', 'pending-on-study', 'on-study', 'on-study-intervention', 'on-study-observation', 'follow-up',
]);

/**
 * A hospital's result is kept only for a patient with an active ResearchSubject, and only when its
 * code is in the lab panel of one of the patient's studies (issue 9, point 1); a result kept names
 * those studies (workflow-researchStudy), so the summaries find it. Runs in the write's transaction, so
 * a withdrawal committed first is seen. A retraction (entered-in-error) of a stored result is always
 * taken: it only corrects what the study already holds.
 */
export function ehrResultGateRule(registries: FhirRegistries, isFromOutside: (resource: Resource) => boolean): BusinessRule {
  const individual = registries.searchParameters.get('ResearchSubject', 'individual') as IndexedParameter;
  return {
    name: 'ehr-result-gate',
    types: ['Observation'],
    async apply(resource, { lookup, previous }) {
      const observation = resource as Observation;
      if (!isFromOutside(observation)) return resource;
      if (observation.status === 'entered-in-error' && previous?.resource) return resource;
      const patient = observation.subject?.reference ?? '';
      // Through lookup: reading through the writer would send a Bundle's buffered writes out one by
      // one, and a lab sends many results about the same few participants. A ResearchSubject written
      // through another server process counts within LOOKUP_CACHE_MS, and this transaction's own last
      // writes may not be seen (no EHR writes ResearchSubjects).
      const studies = await studyPanels(patient, individual, lookup, registries);
      if (studies.length === 0) {
        throw intakeRefusal(NOT_A_PARTICIPANT, `${patient || 'The subject'} takes part in no study now: no ResearchSubject of theirs is active`, 'Observation.subject');
      }
      const codings = Array.isArray(observation.code?.coding) ? observation.code.coding : [];
      const wanted = studies.filter(({ panel }) => inPanel(codings, panel)).map(({ study }) => study);
      if (wanted.length === 0) {
        throw intakeRefusal(OUTSIDE_PANEL, `The code ${codesText(codings)} is not in the lab panel of ${studies.map(({ study }) => studyName(study)).join(', ')}`, 'Observation.code');
      }
      return withStudies(observation, wanted);
    },
  };
}

interface StudyPanel {
  study: ResearchStudy;
  panel: ResultCode[];
}

/** The patient's active studies and their lab panels (none for a non-participant). */
async function studyPanels(patient: string, individual: IndexedParameter, reader: ResourceReader, registries: FhirRegistries): Promise<StudyPanel[]> {
  const studies = await activeStudies(patient, individual, reader);
  return Promise.all(studies.map(async (study) => ({ study, panel: await labPanel(study, reader, registries) })));
}

/**
 * The codes this gate keeps for a patient: the lab panels of the studies the patient takes part in
 * now (none for a non-participant), so a pull asks an EHR only for what the gate would keep.
 */
export function participantPanel(registries: FhirRegistries): ResultPanel {
  const individual = registries.searchParameters.get('ResearchSubject', 'individual') as IndexedParameter;
  return async (patient, reader) => {
    const codes = new Map<string, ResultCode>();
    for (const { panel } of await studyPanels(patient, individual, reader, registries)) {
      for (const code of panel) codes.set(`${code.system ?? ''}|${code.code}`, code);
    }
    return [...codes.values()];
  };
}

async function activeStudies(patient: string, individual: IndexedParameter, reader: ResourceReader): Promise<ResearchStudy[]> {
  if (!/^Patient\/[^/]+$/.test(patient)) return [];
  const found = await reader.search({
    resourceType: 'ResearchSubject',
    filters: [{ param: individual, values: [{ value: patient }] }],
    sort: [],
    count: 100,
    offset: 0,
    total: 'none',
  });
  const studies: ResearchStudy[] = [];
  for (const subject of found.resources as ResearchSubject[]) {
    const [type, id] = (subject.study?.reference ?? '').split('/');
    if (!ACTIVE_STATUSES.has(subject.status) || type !== 'ResearchStudy' || !id) continue;
    const study = (await reader.read('ResearchStudy', id))?.resource as ResearchStudy | undefined;
    if (study && !studies.some((s) => s.id === study.id)) studies.push(study);
  }
  return studies;
}

/** The Observation naming each of the studies (those it names already kept as they are). */
function withStudies(observation: Observation, studies: ResearchStudy[]): Observation {
  const extensions: Extension[] = Array.isArray(observation.extension) ? observation.extension : [];
  const named = new Set(extensions.filter((e) => e.url === STUDY_EXTENSION).map((e) => e.valueReference?.reference));
  const added = studies
    .map((s) => `ResearchStudy/${s.id}`)
    .filter((reference) => !named.has(reference))
    .map((reference): Extension => ({ url: STUDY_EXTENSION, valueReference: { reference } }));
  return added.length === 0 ? observation : { ...observation, extension: [...extensions, ...added] };
}

function codesText(codings: readonly Coding[]): string {
  return codings.length === 0 ? '(none)' : codings.map((c) => `${c.system ?? ''}|${c.code ?? ''}`).join(', ');
}

function studyName(study: ResearchStudy): string {
  const nct = study.identifier?.find((i) => i.system === 'https://clinicaltrials.gov')?.value;
  return nct ? `${nct} (ResearchStudy/${study.id})` : `ResearchStudy/${study.id}`;
}
