import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { PlanDefinition, PlanDefinitionAction, PlanDefinitionActionRelatedAction, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import type { IndexedParameter, ResourceReader } from '../../store/repository';
import type { TimeOffset } from './visit-window';

export const STUDY_PROTOCOL_PROFILE = 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-study-protocol';
export const VISIT_WINDOW_EXTENSION = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa';

/** What an infusion gives: the study's cells, or its placebo (DOMAIN.md: placebo infusions are infusions too). */
export type InfusedProduct = 'cells' | 'placebo';

/** An infusion activity of a visit, with the applicability conditions (FHIRPath over %subject) naming its arms. */
export interface ScheduledInfusion {
  title: string;
  product: InfusedProduct;
  conditions: string[];
}

/** One visit of the schedule of activities (SoA IG): its timing from the index visit and its infusions. */
export interface StudyVisit {
  id: string;
  title: string;
  /** The chain of offsets from the index visit (empty for the index visit itself). */
  offsets: TimeOffset[];
  /** The AcceptableOffsetRangeSoa of the visit's own relatedAction, when the protocol states one. */
  window?: { low: TimeOffset; high: TimeOffset };
  infusions: ScheduledInfusion[];
}

/**
 * The visits of a study's schedule: its protocol PlanDefinition (meta.profile stroma-study-protocol,
 * among ResearchStudy.protocol) and the visit PlanDefinitions it names by canonical. Undefined when
 * the study has no such protocol (NCT03562065's seeds give no visit plan).
 */
export async function readVisitSchedule(study: ResearchStudy, reader: ResourceReader, urlParam: IndexedParameter): Promise<StudyVisit[] | undefined> {
  const protocol = await protocolOf(study, reader);
  if (!protocol) return undefined;
  const actions = protocol.action ?? [];
  const byId = new Map(actions.filter((a) => a.id).map((a) => [a.id as string, a]));
  const visits: StudyVisit[] = [];
  for (const action of actions) {
    const offsets = offsetsFromIndex(action, byId);
    if (!action.id || !offsets) continue;
    const definition = action.definitionCanonical ? await visitDefinition(action.definitionCanonical, reader, urlParam) : undefined;
    visits.push({ id: action.id, title: action.title ?? action.id, offsets, window: windowOf(action.relatedAction?.[0]), infusions: infusionsOf(definition) });
  }
  return visits;
}

async function protocolOf(study: ResearchStudy, reader: ResourceReader): Promise<PlanDefinition | undefined> {
  for (const ref of study.protocol ?? []) {
    const id = /^(?:.*\/)?PlanDefinition\/([^/]+)$/.exec(ref.reference ?? '')?.[1];
    const stored = id ? await reader.read('PlanDefinition', id) : undefined;
    const plan = stored?.deleted ? undefined : (stored?.resource as PlanDefinition | undefined);
    if (plan?.meta?.profile?.includes(STUDY_PROTOCOL_PROFILE)) return plan;
  }
  return undefined;
}

async function visitDefinition(canonical: string, reader: ResourceReader, urlParam: IndexedParameter): Promise<PlanDefinition | undefined> {
  const url = canonical.split('|')[0];
  const found = await reader.search({ resourceType: 'PlanDefinition', filters: [{ param: urlParam, values: [{ value: url }] }], sort: [], count: 2, offset: 0, total: 'none' });
  return found.resources[0] as PlanDefinition | undefined;
}

/** UCUM offset of a relatedAction, negative when the visit comes before the one it is timed from. */
function offsetOf(related: PlanDefinitionActionRelatedAction): TimeOffset | undefined {
  const duration = related.offsetDuration;
  if (duration?.value === undefined || !duration.code) return undefined;
  const sign = related.relationship?.startsWith('before') ? -1 : 1;
  return { value: sign * duration.value, unit: duration.code };
}

/** The offsets from the index visit (the one action without relatedAction), following relatedAction links. */
function offsetsFromIndex(action: PlanDefinitionAction, byId: Map<string, PlanDefinitionAction>, seen = new Set<string>()): TimeOffset[] | undefined {
  const related = action.relatedAction?.[0];
  if (!related) return [];
  const target = byId.get(related.actionId);
  const offset = offsetOf(related);
  if (!target || !offset || seen.has(related.actionId)) return undefined;
  const before = offsetsFromIndex(target, byId, new Set([...seen, related.actionId]));
  return before && [...before, offset];
}

function windowOf(related: PlanDefinitionActionRelatedAction | undefined): StudyVisit['window'] {
  const range = related?.extension?.find((e) => e.url === VISIT_WINDOW_EXTENSION)?.valueRange;
  const low = range?.low;
  const high = range?.high;
  if (low?.value === undefined || high?.value === undefined || !low.code || !high.code) return undefined;
  return { low: { value: low.value, unit: low.code }, high: { value: high.value, unit: high.code } };
}

/**
 * The infusion activities of a visit. The seed schedules' visit actions carry a title only ("UCMSC
 * infusion, 1 million UCMSC/kg ...", "Placebo infusion, 50 mL PlasmaLyte A", "Adverse events since the
 * infusion"), so an infusion is an action whose title names one and is not an assessment of adverse
 * events or tolerance; it gives placebo when its title says placebo.
 */
function infusionsOf(visit: PlanDefinition | undefined): ScheduledInfusion[] {
  return (visit?.action ?? [])
    .filter((a) => /infusion/i.test(a.title ?? '') && !/adverse|tolerance/i.test(a.title ?? ''))
    .map((a) => ({
      title: a.title as string,
      product: /placebo/i.test(a.title ?? '') ? 'placebo' : 'cells',
      conditions: (a.condition ?? []).filter((c) => c.kind === 'applicability').map((c) => c.expression?.expression ?? ''),
    }));
}

/** The infusion the visit gives this subject: the one whose applicability conditions all hold for it. */
export function infusionFor(visit: StudyVisit, subject: ResearchSubject): ScheduledInfusion | undefined {
  return visit.infusions.find((infusion) => infusion.conditions.every((expression) => holds(expression, subject)));
}

function holds(expression: string, subject: ResearchSubject): boolean {
  const typed = toTypedValue(subject);
  try {
    const result = evalFhirPathTyped(expression, [typed], { '%subject': typed, subject: typed });
    return result.length === 1 && result[0].value === true;
  } catch {
    // A condition Stroma cannot evaluate never makes an activity apply.
    return false;
  }
}
