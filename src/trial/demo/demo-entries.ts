import type { BundleEntry, Extension, Reference, Resource, ResearchStudy } from '@medplum/fhirtypes';
import { NCT_SYSTEM } from '../ctgov/codes';
import { conditionalPut, fullUrlOf, type KeyedResource, referenceTo } from '../ctgov/entries';

/** The identifier system every demo resource is keyed on, so loading again updates in place. */
export const DEMO_SYSTEM = 'https://stroma-fhir.org/fhir/NamingSystem/demo';
/** The fictional medical record numbers of demo Patients. */
export const DEMO_MRN_SYSTEM = 'https://stroma-fhir.org/fhir/NamingSystem/demo-mrn';
export const STUDY_EXTENSION_URL = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

/** The issue: synthetic data carries a tag saying so (HL7 v3 ActReason HTEST). */
export const SYNTHETIC_TAG = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' } as const;

export type DemoKey = KeyedResource['key'];

/** "NCT04356287/subject/07/m3/infusion". */
export function demoKey(nctId: string, ...parts: (string | number)[]): DemoKey {
  return { system: DEMO_SYSTEM, value: [nctId, ...parts].join('/') };
}

/** The resource with the synthetic tag, keyed for its conditional PUT. */
export function demoEntry<T extends Resource>(key: DemoKey, resource: T): KeyedResource {
  return { key, resource: { ...resource, meta: { tag: [{ ...SYNTHETIC_TAG }] } } };
}

/** The study by its NCT number: a conditional reference the server's transaction resolves. */
export function studyReference(nctId: string): Reference<ResearchStudy> {
  return { reference: `ResearchStudy?identifier=${NCT_SYSTEM}|${nctId}` };
}

/** DOMAIN.md: an Observation or MedicationAdministration names its study with this core extension. */
export function studyExtension(nctId: string): Extension {
  return { url: STUDY_EXTENSION_URL, valueReference: studyReference(nctId) };
}

/** A reference to another demo entry of the same Bundle (its urn:uuid fullUrl). */
export function refTo<T extends Resource>(entry: KeyedResource): Reference<T> {
  return referenceTo<T>(entry);
}

export const UCUM = 'http://unitsofmeasure.org';
export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
export const MEDDRA = 'http://terminology.hl7.org/CodeSystem/mdr';
export const TRIAL_ASSESSMENTS = 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments';

export function quantity(value: number, code: string, unit = code): { value: number; unit: string; system: string; code: string } {
  return { value, unit, system: UCUM, code };
}

/** R4 defines no identifier search parameter for these types, so no conditional PUT can find them. */
const NOT_SEARCHABLE_BY_IDENTIFIER = new Set(['AdverseEvent']);

/** "NCT04356287/subject/07/ae/1" -> "demo-nct04356287-subject-07-ae-1", a valid FHIR id. */
export function demoId(key: DemoKey): string {
  return `demo-${key.value.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 64);
}

/**
 * The transaction entry: a conditional PUT on the demo identifier, or, for a type that cannot be
 * searched by identifier, a PUT to an id derived from it; both update in place when loaded again.
 */
export function demoTransactionEntry(keyed: KeyedResource): BundleEntry {
  const { resourceType } = keyed.resource;
  if (!NOT_SEARCHABLE_BY_IDENTIFIER.has(resourceType)) return conditionalPut(keyed);
  const id = demoId(keyed.key);
  return { fullUrl: fullUrlOf(keyed.key), resource: { ...keyed.resource, id }, request: { method: 'PUT', url: `${resourceType}/${id}` } };
}
