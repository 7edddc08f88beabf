import type { Bundle, Identifier, Resource } from '@medplum/fhirtypes';
import { nctIdOf } from '../../../../src/cli/demo-trials';
import { DEFAULT_TRIAL_BUNDLES_DIR } from '../../../../src/config';
import { readTrialBundles } from '../../../../src/trial/seed-trials';

const SD = 'https://stroma-fhir.org/fhir/StructureDefinition/';
const AE_PROFILE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/AdverseEvent-clinical-research';

/** The three seed trials' transaction Bundles, by NCT number (as npm run load:demo reads them). */
export function seedTrials(): Map<string, Bundle> {
  return new Map(readTrialBundles(DEFAULT_TRIAL_BUNDLES_DIR).map((b) => [nctIdOf(b) as string, b]));
}

/** The measurement profile of each demo Observation, by the last part of its demo identifier. */
const OBSERVATION_PROFILES: Readonly<Record<string, string>> = {
  weight: 'stroma-body-weight',
  bmi: 'stroma-bmi',
  mrss: 'stroma-mrss',
  esr: 'stroma-esr',
  hemoglobin: 'stroma-hemoglobin',
  fvc: 'stroma-fvc-percent',
  dlco: 'stroma-dlco-percent',
  egfr: 'stroma-egfr',
  'creatinine-clearance': 'stroma-creatinine-clearance',
  lvef: 'stroma-lvef',
  pasp: 'stroma-pasp',
  ast: 'stroma-ast',
  alt: 'stroma-alt',
  bilirubin: 'stroma-bilirubin',
  neutrophils: 'stroma-neutrophils',
  platelets: 'stroma-platelets',
  cd4: 'stroma-cd4',
  'pregnancy-test': 'stroma-pregnancy-test',
  'ana-presence': 'stroma-ana-presence',
  'ana-titer': 'stroma-ana-titer',
  'selena-sledai': 'stroma-selena-sledai',
  'bilag-total': 'stroma-bilag-total',
  'bilag-organ': 'stroma-bilag-organ',
  'physician-global': 'stroma-physician-global',
  'eq5d-index': 'stroma-eq5d-index',
  'eq5d-vas': 'stroma-eq5d-vas',
};

function demoIdentifier(resource: Resource): string {
  const ids = (resource as { identifier?: Identifier | Identifier[] }).identifier;
  const list = Array.isArray(ids) ? ids : ids ? [ids] : [];
  return list.find((i) => i.system === 'https://stroma-fhir.org/fhir/NamingSystem/demo')?.value ?? '';
}

/** The trial profile the server applies to this demo resource (src/trial/rules/trial-profiles.ts), if any. */
export function trialProfileOf(resource: Resource): string | undefined {
  switch (resource.resourceType) {
    case 'Patient':
      return `${SD}stroma-participant`;
    case 'ResearchSubject':
      return `${SD}stroma-research-subject`;
    case 'MedicationAdministration':
      return `${SD}stroma-infusion`;
    case 'AdverseEvent':
      return AE_PROFILE;
    case 'Observation': {
      const name = demoIdentifier(resource).split('/').pop() as string;
      const id = name.startsWith('sf36-') ? 'stroma-sf36' : OBSERVATION_PROFILES[name];
      if (!id) throw new Error(`no profile known for the demo Observation "${name}"`);
      return `${SD}${id}`;
    }
    default:
      return undefined;
  }
}

/** The demo resources of one type, in Bundle order. */
export function demoResources<T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === type);
}

/** The demo identifier's value ("NCT04356287/subject/07/m3/infusion"). */
export function demoKeyOf(resource: Resource): string {
  return demoIdentifier(resource);
}

/** The subject number ("07") a demo resource belongs to. */
export function subjectOf(resource: Resource): string {
  return demoIdentifier(resource).split('/')[2];
}

/** The resource an entry's urn:uuid fullUrl stands for. */
export function byFullUrl(bundle: Bundle, reference: string | undefined): Resource | undefined {
  return bundle.entry?.find((e) => e.fullUrl === reference)?.resource;
}
