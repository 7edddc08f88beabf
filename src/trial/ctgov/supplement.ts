import type { Bundle, BundleEntry, Extension, Group, GroupCharacteristic, PlanDefinition, Reference, ResearchStudy } from '@medplum/fhirtypes';
import { fullUrlOf } from './entries';
import { ctgovToBundle } from './map-record';

/**
 * Facts about a trial that its ClinicalTrials.gov record does not hold and another of its documents does
 * (bundles/supplements/<NCT>.json; `sources` quotes the document for each). Three kinds:
 * - `record`: parts of a v2 record, in the record's own shape, merged into it before mapping, so they
 *   are mapped like the rest (NCT02213705's dose cohorts and primary outcome, from the published results);
 * - `studyExtensions`: extensions v2 has no field for (NCT04356287's randomization scheme);
 * - `schedule`: the visit schedule, StromaStudyProtocol and StromaStudyVisit PlanDefinitions;
 * - `armExtensions`: extensions added to the arm of that name (NCT02213705's cohort sizes);
 * - `groupCharacteristics`: eligibility criteria the record states in words the import cannot compute
 *   (NCT04356287's "ALT > 3 normal", its severe-disease alternatives), appended to the enrollment
 *   Group's characteristics (encoding: profiles/fsh/input/fsh/eligibility-criteria.fsh).
 */
export interface TrialSupplement {
  readonly nctId: string;
  readonly sources: readonly string[];
  readonly record?: unknown;
  readonly studyExtensions?: readonly Extension[];
  readonly armExtensions?: Readonly<Record<string, readonly Extension[]>>;
  /** Names of the schedule's PlanDefinitions; resolved by the caller (they are profiles/examples files). */
  readonly schedule?: readonly string[];
  readonly groupCharacteristics?: readonly GroupCharacteristic[];
}

const PROTOCOL_PROFILE = 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-study-protocol';
/** The key of a schedule PlanDefinition's fullUrl: its canonical URL is what identifies it. */
const CANONICAL_KEY_SYSTEM = 'urn:ietf:rfc:3986';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `patch` laid over it: objects merge key by key; arrays and values are replaced whole. */
export function mergeRecord(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch === undefined ? base : patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = mergeRecord(base[key], value);
  return merged;
}

/** A schedule PlanDefinition as a conditional PUT on its canonical URL (its file's id is the example's, not the store's). */
function scheduleEntry(plan: PlanDefinition): BundleEntry {
  if (!plan.url) throw new Error(`schedule PlanDefinition ${plan.id} has no url`);
  const { id: _exampleId, ...resource } = plan;
  return {
    fullUrl: fullUrlOf({ system: CANONICAL_KEY_SYSTEM, value: plan.url }),
    resource,
    request: { method: 'PUT', url: `PlanDefinition?url=${encodeURIComponent(plan.url)}` },
  };
}

/** The study's arms, each with the supplement's extensions for it appended. */
function armsWithExtensions(study: ResearchStudy, added: Readonly<Record<string, readonly Extension[]>> = {}): Pick<ResearchStudy, 'arm'> {
  const unknown = Object.keys(added).find((name) => !(study.arm ?? []).some((arm) => arm.name === name));
  if (unknown !== undefined) throw new Error(`the supplement extends arm "${unknown}", which study ${study.identifier?.[0]?.value} does not have`);
  if (!study.arm) return {};
  return { arm: study.arm.map((arm) => (added[arm.name] ? { ...arm, extension: [...(arm.extension ?? []), ...added[arm.name]] } : arm)) };
}

/** The entries with the supplement's characteristics appended to the Group the study enrolls in. */
function withGroupCharacteristics(entries: BundleEntry[], study: ResearchStudy, added: readonly GroupCharacteristic[]): BundleEntry[] {
  if (added.length === 0) return entries;
  const enrollment = study.enrollment?.[0]?.reference;
  const index = entries.findIndex((e) => e.fullUrl === enrollment && e.resource?.resourceType === 'Group');
  if (index < 0) throw new Error(`the supplement adds group characteristics, but study ${study.identifier?.[0]?.value} has no enrollment Group`);
  const group = entries[index].resource as Group;
  const updated: Group = { ...group, characteristic: [...(group.characteristic ?? []), ...added] };
  return entries.map((entry, i) => (i === index ? { ...entry, resource: updated } : entry));
}

/**
 * The trial's transaction Bundle: its record (with the supplement's record parts) mapped by
 * ctgovToBundle, the supplement's study and arm extensions and group characteristics added, and the visit schedule as entries that the
 * study's protocol references.
 */
export function trialBundle(record: unknown, supplement?: TrialSupplement, schedule: readonly PlanDefinition[] = []): Bundle {
  const bundle = ctgovToBundle(supplement?.record === undefined ? record : mergeRecord(record, supplement.record));
  const [studyEntry, ...rest] = bundle.entry ?? [];
  const study = studyEntry.resource as ResearchStudy;
  if (supplement && study.identifier?.[0]?.value !== supplement.nctId) {
    throw new Error(`the supplement of ${supplement.nctId} was given the record of ${study.identifier?.[0]?.value}`);
  }
  const scheduleEntries = schedule.map(scheduleEntry);
  const protocol: Reference<PlanDefinition>[] = scheduleEntries
    .filter((e) => e.resource?.meta?.profile?.includes(PROTOCOL_PROFILE))
    .map((e) => ({ reference: e.fullUrl, display: (e.resource as PlanDefinition).title }));
  const extension = [...(study.extension ?? []), ...(supplement?.studyExtensions ?? [])];
  const supplemented: ResearchStudy = {
    ...study,
    ...armsWithExtensions(study, supplement?.armExtensions),
    ...(extension.length > 0 ? { extension } : {}),
    ...(protocol.length > 0 || study.protocol ? { protocol: [...(study.protocol ?? []), ...protocol] } : {}),
  };
  const others = withGroupCharacteristics(rest, study, supplement?.groupCharacteristics ?? []);
  return { ...bundle, entry: [{ ...studyEntry, resource: supplemented }, ...others, ...scheduleEntries] };
}
