import type { Resource } from '@medplum/fhirtypes';
import { isPatientType, patientElements, PERSON_TYPES, planOf, type Plan, type Step } from './deidentification-plan';
import type { PatientPseudonym } from './pseudonyms';

/**
 * The de-identifying copy of one resource, driven by the per-type plans (deidentification-plan.ts):
 * each JSON key is looked up in its type's plan, arrays item by item, and what is left empty is
 * removed, or replaced by a data-absent-reason extension where the element is required. The input is
 * never mutated (it may be a cached object other requests share).
 */

/** What the walk needs to know of the reader. */
export interface Reader {
  /** The pseudonym and date shift of a Patient (by its stored id) for this reader. */
  pseudonym(patientId: string): PatientPseudonym;
}

/** Extensions that identify the person (core R4 ones): removed wherever they are. */
export const IDENTIFYING_EXTENSIONS: ReadonlySet<string> = new Set([
  'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
  'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
  'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName',
  'http://hl7.org/fhir/StructureDefinition/patient-nationality',
  'http://hl7.org/fhir/StructureDefinition/patient-citizenship',
]);

const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
const absent = () => ({ extension: [{ url: DATA_ABSENT_REASON, valueCode: 'masked' }] });

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

type Json = Record<string, unknown>;

interface Walk {
  reader: Reader;
  /** A local reference to a Patient: [prefix (base URL and slash, or empty), id, rest (`/_history/n`)]. */
  patientReference: RegExp;
  /** The resource is a Patient's (free text, identifiers removed, dates shifted). */
  inPatient: boolean;
  shiftDays: number;
  /** Something was removed or changed. */
  changed: boolean;
}

export interface WalkOptions {
  reader: Reader;
  /** Matches local references to a Patient (see patientReferencePattern). */
  patientReference: RegExp;
}

/** Matches `Patient/{id}`, `{baseUrl}/Patient/{id}` and either with `/_history/{n}`. */
export function patientReferencePattern(baseUrl: string): RegExp {
  const base = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^((?:${base}/)?)Patient/([A-Za-z0-9\\-.]{1,64})(/_history/[^/]+)?$`);
}

/** The de-identified copy of `resource`, or undefined when the policy changes nothing in it. */
export function deidentify(resource: Resource, options: WalkOptions): Resource | undefined {
  const type = resource.resourceType;
  const key = isPatientType(type) ? patientKey(resource, options.patientReference) : undefined;
  const inPatient = key !== undefined;
  const walk: Walk = { ...options, inPatient, shiftDays: key !== undefined ? options.reader.pseudonym(key).shiftDays : 0, changed: false };
  const copy = walkObject(resource as unknown as Json, planOf(type), walk) ?? {};
  if (type === 'Patient' && resource.id) {
    copy.id = options.reader.pseudonym(resource.id).id;
    walk.changed = true;
  }
  return walk.changed ? (copy as unknown as Resource) : undefined;
}

/**
 * Whose date shift a resource takes: the Patient itself, else the Patient its compartment elements name
 * first (Observation.subject); when they name none, the resource's own key, so its dates still move.
 * Undefined when they name only other things (a study's summary MeasureReport): not a Patient's resource.
 */
function patientKey(resource: Resource, pattern: RegExp): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id ?? '';
  const json = resource as unknown as Json;
  let namesOther = false;
  for (const element of patientElements(resource.resourceType)) {
    const value = json[element];
    for (const ref of Array.isArray(value) ? value : [value]) {
      const reference = (ref as Json | undefined)?.reference;
      if (typeof reference !== 'string') continue;
      const match = pattern.exec(reference);
      if (match) return match[2];
      namesOther = true;
    }
  }
  return namesOther && !PERSON_TYPES.has(resource.resourceType) ? undefined : `${resource.resourceType}/${resource.id ?? ''}`;
}

function walkObject(value: Json, plan: Plan, walk: Walk): Json | undefined {
  const out: Json = {};
  let size = 0;
  for (const key in value) {
    if (key === 'resourceType') {
      out[key] = value[key];
      continue;
    }
    const primitiveExtension = key.charCodeAt(0) === 95; // `_birthDate`: the primitive's id and extensions
    const step = plan.get(primitiveExtension ? key.slice(1) : key);
    const result = step ? (primitiveExtension ? walkPrimitiveExtension(value[key], step, walk) : walkStep(value[key], step, walk)) : unknownKey(value[key], walk);
    if (result !== undefined) {
      out[key] = result;
      size++;
    } else if (step?.required && !primitiveExtension) {
      if (step.primitive) out[`_${key}`] = absent();
      else out[key] = step.array ? [absent()] : absent();
      size++;
    }
  }
  return size > 0 ? out : undefined;
}

/** A key the schema does not know: kept outside a Patient's resources, removed inside (it could hold anything). */
function unknownKey(value: unknown, walk: Walk): unknown {
  if (!walk.inPatient) return value;
  walk.changed = true;
  return undefined;
}

function walkStep(value: unknown, step: Step, walk: Walk): unknown {
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const result = walkValue(item, step, walk);
      if (result !== undefined) items.push(result);
    }
    return items.length > 0 ? items : undefined;
  }
  return walkValue(value, step, walk);
}

function walkValue(value: unknown, step: Step, walk: Walk): unknown {
  if (value === null || value === undefined) return value;
  switch (step.action) {
    case 'keep':
      return value;
    case 'drop':
      walk.changed = true;
      return undefined;
    case 'dropInPatient':
      if (!walk.inPatient) return value;
      walk.changed = true;
      return undefined;
    case 'year':
      walk.changed = true;
      return typeof value === 'string' ? value.slice(0, 4) : undefined;
    case 'date':
      return walk.inPatient ? shifted(value, walk) : value;
    case 'reference':
      return walkReference(value as Json, walk);
    case 'resource':
      return walkContained(value as Json, walk);
    case 'complex':
      return step.type === 'Extension' ? walkExtension(value as Json, walk) : walkObject(value as Json, planOf(step.type), walk);
  }
}

/** The `_key` sibling of a primitive: gone with the primitive, else walked as an Element (its extensions). */
function walkPrimitiveExtension(value: unknown, step: Step, walk: Walk): unknown {
  const removed = step.action === 'drop' || step.action === 'year' || (step.action === 'dropInPatient' && walk.inPatient);
  if (removed) {
    walk.changed = true;
    return undefined;
  }
  const element: Step = { ...step, action: 'complex', type: 'Element', required: false };
  if (!Array.isArray(value)) return walkValue(value, element, walk);
  // Arrays of primitive extensions keep their positions (null where an item has none).
  const items = value.map((item) => (item === null ? null : (walkValue(item, element, walk) ?? null)));
  return items.some((item) => item !== null) ? items : undefined;
}

function walkExtension(extension: Json, walk: Walk): Json | undefined {
  if (IDENTIFYING_EXTENSIONS.has(extension.url as string)) {
    walk.changed = true;
    return undefined;
  }
  const copy = walkObject(extension, planOf('Extension'), walk);
  // An extension needs a value or extensions of its own (ext-1): one whose value was removed goes.
  if (!copy || !Object.keys(copy).some((key) => key === 'extension' || key.startsWith('value'))) {
    walk.changed = true;
    return undefined;
  }
  return copy;
}

function walkContained(resource: Json, walk: Walk): Json | undefined {
  const type = resource.resourceType as string;
  const inner: Walk = { ...walk, inPatient: walk.inPatient || isPatientType(type) };
  const copy = walkObject(resource, planOf(type), inner);
  walk.changed ||= inner.changed;
  return copy;
}

/** A date moved by the walk's shift, keeping its precision, time and zone; a value that is no date goes. */
function shifted(value: unknown, walk: Walk): string | undefined {
  walk.changed = true;
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (!match) return undefined;
  const [, year, month, day] = match;
  // A year or a month is moved as its middle day, so a shift of at most 182 days keeps the year of a year.
  const days = daysFromCivil(Number(year), month ? Number(month) : 7, day ? Number(day) : month ? 15 : 2) + walk.shiftDays;
  const [y, m, d] = civilFromDays(days);
  const moved = day ? `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}` : month ? `${pad(y, 4)}-${pad(m, 2)}` : pad(y, 4);
  return moved + (value as string).slice(moved.length);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm: integer math, no Date objects). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/**
 * A Reference: a local Patient reference gets the pseudonym; another server's Patient reference goes (its
 * id is that server's identifier); display and identifier go unless the target is known not to be a person.
 */
function walkReference(ref: Json, walk: Walk): Json | undefined {
  const out: Json = { ...ref };
  const reference = typeof ref.reference === 'string' ? ref.reference : undefined;
  const local = reference ? walk.patientReference.exec(reference) : null;
  let targetType = typeof ref.type === 'string' ? ref.type.replace(/^.*\//, '') : undefined;
  if (local) {
    out.reference = `${local[1]}Patient/${walk.reader.pseudonym(local[2]).id}${local[3] ?? ''}`;
    walk.changed = true;
    targetType = 'Patient';
  } else if (reference && !reference.startsWith('#')) {
    const relative = /^([A-Z][A-Za-z]+)\/[^/]+/.exec(reference);
    const person = /(?:^|\/)(Patient|RelatedPerson|Person)\/[^/]+/.exec(reference);
    targetType = relative?.[1] ?? person?.[1] ?? targetType;
    // Not one of ours: another server's Patient (its id is that server's identifier of the person).
    if (targetType === 'Patient' || (person && !relative)) {
      delete out.reference;
      walk.changed = true;
    }
  }
  if (targetType === undefined || PERSON_TYPES.has(targetType)) {
    if ('display' in out || 'identifier' in out) walk.changed = true;
    delete out.display;
    delete out.identifier;
  }
  if (Array.isArray(ref.extension)) {
    const extensions = walkStep(ref.extension, planOf('Reference').get('extension') as Step, walk);
    if (extensions === undefined) delete out.extension;
    else out.extension = extensions;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
