import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

/** The URLs of DOMAIN.md and the trial profiles (a published contract: spelled exactly). */
export const NCT_SYSTEM = 'https://clinicaltrials.gov';
export const STROMA_SD = 'https://stroma-fhir.org/fhir/StructureDefinition';
export const DOSE_PER_KG_URL = `${STROMA_SD}/dose-per-kg`;
export const ALLOCATION_URL = `${STROMA_SD}/study-allocation`;
export const MASKING_URL = `${STROMA_SD}/study-masking`;
export const INTERVENTION_MODEL_URL = `${STROMA_SD}/study-intervention-model`;
export const OUTCOME_MEASURE_URL = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.outcomeMeasure';
export const OUTCOME_TIME_FRAME_URL = `${STROMA_SD}/outcome-time-frame`;
export const ALLOCATION_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/ctgov-allocation';
export const MASKING_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/ctgov-masking';
export const INTERVENTION_MODEL_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/ctgov-intervention-model';
export const RESEARCH_STUDY_PROFILE = `${STROMA_SD}/stroma-research-study`;
export const SNOMED = 'http://snomed.info/sct';
export const UCUM = 'http://unitsofmeasure.org';

/**
 * Identifiers the import mints for resources a v2 record names but does not number (sites, officials,
 * organizations), so a second import finds and updates them. Not in DOMAIN.md: project-owned.
 */
export const DERIVED_ID_SYSTEM = 'https://stroma-fhir.org/fhir/NamingSystem/ctgov-import';
export const ORGANIZATION_NAME_SYSTEM = 'https://stroma-fhir.org/fhir/NamingSystem/ctgov-organization-name';

const ARM_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/research-study-arm-type';
const ARM_TYPES: Readonly<Record<string, [string, string]>> = {
  EXPERIMENTAL: ['experimental', 'Experimental'],
  ACTIVE_COMPARATOR: ['active-comparator', 'Active Comparator'],
  PLACEBO_COMPARATOR: ['placebo-comparator', 'Placebo Comparator'],
  SHAM_COMPARATOR: ['sham-comparator', 'Sham Comparator'],
  NO_INTERVENTION: ['no-intervention', 'No Intervention'],
  OTHER: ['other-arm-type', 'Other'],
};

/** The coding a v2 enum value maps to in a table of [code, display], or undefined when it has none. */
function codingOf(system: string, table: Readonly<Record<string, [string, string]>>, value: string): CodeableConcept | undefined {
  const entry = table[value];
  return entry && { coding: [{ system, code: entry[0], display: entry[1] }] };
}

export function armType(ctgovType: string): CodeableConcept | undefined {
  return codingOf(ARM_TYPE_SYSTEM, ARM_TYPES, ctgovType);
}

const PURPOSE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type';
const PURPOSES: Readonly<Record<string, [string, string]>> = {
  TREATMENT: ['treatment', 'Treatment'],
  PREVENTION: ['prevention', 'Prevention'],
  DIAGNOSTIC: ['diagnostic', 'Diagnostic'],
  SUPPORTIVE_CARE: ['supportive-care', 'Supportive Care'],
  SCREENING: ['screening', 'Screening'],
  HEALTH_SERVICES_RESEARCH: ['health-services-research', 'Health Services Research'],
  BASIC_SCIENCE: ['basic-science', 'Basic Science'],
  DEVICE_FEASIBILITY: ['device-feasibility', 'Device Feasibility'],
};

/** ECT and OTHER have no FHIR code: they travel as text. */
export function primaryPurpose(ctgovPurpose: string): CodeableConcept {
  return codingOf(PURPOSE_SYSTEM, PURPOSES, ctgovPurpose) ?? { text: ctgovPurpose };
}

const OBJECTIVE_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/research-study-objective-type';
export type OutcomeKind = 'primary' | 'secondary' | 'exploratory';
export function objectiveType(kind: OutcomeKind): CodeableConcept {
  const display = { primary: 'Primary', secondary: 'Secondary', exploratory: 'Exploratory' }[kind];
  return { coding: [{ system: OBJECTIVE_TYPE_SYSTEM, code: kind, display }] };
}

/**
 * Conditions with a known SNOMED CT code, by their normalised v2 text. Only the seed trials' diseases
 * are listed: a condition not here stays text only rather than get a guessed code.
 */
const KNOWN_CONDITIONS: Readonly<Record<string, Coding>> = {
  'sclerosis, systemic': { system: SNOMED, code: '89155008', display: 'Systemic sclerosis' },
  'systemic sclerosis': { system: SNOMED, code: '89155008', display: 'Systemic sclerosis' },
  'systemic scleroderma': { system: SNOMED, code: '89155008', display: 'Systemic sclerosis' },
  'lupus erythematosus, systemic': { system: SNOMED, code: '55464009', display: 'Systemic lupus erythematosus' },
  'systemic lupus erythematosus': { system: SNOMED, code: '55464009', display: 'Systemic lupus erythematosus' },
  'lupus erythematosus': { system: SNOMED, code: '200936003', display: 'Lupus erythematosus' },
};

export function condition(text: string): CodeableConcept {
  const coding = KNOWN_CONDITIONS[text.trim().toLowerCase()];
  return coding ? { coding: [coding], text } : { text };
}
