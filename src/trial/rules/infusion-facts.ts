import type { AdverseEvent, MedicationAdministration, Observation, Reference, Resource, ResearchSubject } from '@medplum/fhirtypes';
import type { SearchParameterRegistry } from '../../fhir/conformance/search-parameter-registry';
import type { IndexedParameter, QueryFilter, ResourceReader, SearchQuery, SortRule } from '../../store/repository';

export const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
export const BODY_WEIGHT_LOINC = '29463-7';
const LOINC = 'http://loinc.org';
/** Infusions that never happened: they count neither as a first infusion nor as a visit's infusion. */
const NOT_GIVEN = new Set(['entered-in-error', 'not-done']);
/** At most this many of a patient's resources of one kind are read for a check (a subject has a handful). */
const MAX_READ = 200;

/** "ResearchStudy/abc" (or an absolute URL ending so) -> "abc". */
export function idIn(reference: string | undefined, resourceType: string): string | undefined {
  const match = new RegExp(`(?:^|/)${resourceType}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(reference ?? '');
  return match?.[1];
}

/** The ResearchStudy id an infusion (or Observation) names with the workflow-researchStudy extension. */
export function studyIdOf(resource: Resource & { extension?: { url: string; valueReference?: Reference }[] }): string | undefined {
  const extension = (Array.isArray(resource.extension) ? resource.extension : []).find((e) => e?.url === STUDY_EXTENSION);
  return extension ? (idIn(extension.valueReference?.reference, 'ResearchStudy') ?? '') : undefined;
}

/** When the infusion happened (its start, for a Period). */
export function startOf(infusion: MedicationAdministration): string | undefined {
  return infusion.effectiveDateTime ?? infusion.effectivePeriod?.start;
}

/** The store reads the infusion checks make, through the write's transaction (so they see its earlier entries). */
export class InfusionFacts {
  private readonly params: Record<string, IndexedParameter>;

  constructor(searchParameters: SearchParameterRegistry) {
    const get = (type: string, code: string): IndexedParameter => {
      const param = searchParameters.get(type, code);
      if (!param) throw new Error(`the infusion checks need the search parameter ${type}.${code}`);
      return param;
    };
    this.params = {
      subjectIndividual: get('ResearchSubject', 'individual'),
      subjectStudy: get('ResearchSubject', 'study'),
      infusionSubject: get('MedicationAdministration', 'subject'),
      observationSubject: get('Observation', 'subject'),
      observationCode: get('Observation', 'code'),
      observationDate: get('Observation', 'date'),
      eventSubject: get('AdverseEvent', 'subject'),
      eventStudy: get('AdverseEvent', 'study'),
      planUrl: get('PlanDefinition', 'url'),
    };
  }

  get planDefinitionUrl(): IndexedParameter {
    return this.params.planUrl;
  }

  /** The patient's ResearchSubjects in the study. */
  async researchSubjects(reader: ResourceReader, patientId: string, studyId: string): Promise<ResearchSubject[]> {
    const filters = [this.is('subjectIndividual', `Patient/${patientId}`), this.is('subjectStudy', `ResearchStudy/${studyId}`)];
    return (await reader.search(query('ResearchSubject', filters))).resources as ResearchSubject[];
  }

  /** The patient's other infusions in the study that were given (not this one, nor entered in error). */
  async otherInfusions(reader: ResourceReader, patientId: string, studyId: string, ownId: string | undefined): Promise<MedicationAdministration[]> {
    const found = await reader.search(query('MedicationAdministration', [this.is('infusionSubject', `Patient/${patientId}`)]));
    return (found.resources as MedicationAdministration[]).filter(
      (m) => m.id !== ownId && !NOT_GIVEN.has(m.status) && studyIdOf(m) === studyId && startOf(m) !== undefined,
    );
  }

  /** The patient's latest body weight effective at or before `before`. */
  async latestWeight(reader: ResourceReader, patientId: string, before: string): Promise<Observation | undefined> {
    const filters: QueryFilter[] = [
      this.is('observationSubject', `Patient/${patientId}`),
      this.is('observationCode', `${LOINC}|${BODY_WEIGHT_LOINC}`),
      { param: this.params.observationDate, values: [{ prefix: 'le', value: before }] },
    ];
    const sort: SortRule[] = [{ param: this.params.observationDate, descending: true }];
    const found = await reader.search({ ...query('Observation', filters), sort, count: 20 });
    return (found.resources as Observation[]).find((o) => o.status !== 'entered-in-error');
  }

  /** The adverse events of the patient (AdverseEvent.subject) and of the study (to find research-subject-ref ones). */
  async adverseEvents(reader: ResourceReader, patientId: string, studyId: string): Promise<AdverseEvent[]> {
    const bySubject = await everything(reader, query('AdverseEvent', [this.is('eventSubject', `Patient/${patientId}`)]));
    // No search parameter indexes research-subject-ref, so the study's events are all read (a trial has hundreds at most).
    const byStudy = await everything(reader, query('AdverseEvent', [this.is('eventStudy', `ResearchStudy/${studyId}`)]));
    const all = new Map<string, AdverseEvent>();
    for (const event of [...bySubject, ...byStudy] as AdverseEvent[]) all.set(event.id as string, event);
    return [...all.values()];
  }

  async read<T extends Resource>(reader: ResourceReader, resourceType: T['resourceType'], id: string): Promise<T | undefined> {
    const stored = await reader.read(resourceType, id);
    return stored && !stored.deleted ? (stored.resource as T) : undefined;
  }

  private is(param: string, value: string): QueryFilter {
    return { param: this.params[param], values: [{ value }] };
  }
}

function query(resourceType: string, filters: QueryFilter[]): SearchQuery {
  return { resourceType, filters, sort: [], count: MAX_READ, offset: 0, total: 'none' };
}

/** Every match of the query, page after page. */
async function everything(reader: ResourceReader, first: SearchQuery): Promise<Resource[]> {
  const found: Resource[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.search({ ...first, cursor });
    found.push(...page.resources);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}
