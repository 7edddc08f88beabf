import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';

/**
 * The project's profiles, compiled by SUSHI into profiles/ (issue 4, point 2): bench:validate
 * checks against the ones for its three resource types, with every StructureDefinition, ValueSet
 * and CodeSystem of profiles/ registered (their extensions and bindings are part of the work).
 */

const PROFILES_DIR = path.resolve(__dirname, '..', '..', 'profiles');

export const BENCHED_PROFILES = {
  Observation: 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-hemoglobin',
  MedicationAdministration: 'https://stroma-fhir.org/fhir/StructureDefinition/stroma-infusion',
  AdverseEvent: 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/AdverseEvent-clinical-research',
} as const;

export type BenchedType = keyof typeof BENCHED_PROFILES;

export interface ProjectConformance {
  /** Everything under profiles/{code-systems,value-sets,structure-definitions}. */
  resources: Resource[];
  structureDefinitions: StructureDefinition[];
  profile(type: BenchedType): StructureDefinition;
}

export function projectConformance(): ProjectConformance {
  const resources = ['code-systems', 'value-sets', 'structure-definitions'].flatMap(readFolder);
  const structureDefinitions = resources.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition');
  return {
    resources,
    structureDefinitions,
    profile(type) {
      const sd = structureDefinitions.find((s) => s.url === BENCHED_PROFILES[type]);
      if (!sd) throw new Error(`profiles/structure-definitions has no ${BENCHED_PROFILES[type]}: run npm run profiles`);
      return sd;
    },
  };
}

function readFolder(folder: string): Resource[] {
  const dir = path.join(PROFILES_DIR, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Resource);
}
