import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeSystem, Measure, OperationDefinition, Resource, SearchParameter, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import { ConformanceResourceError, type ResourceValidator } from '../validation/types';

/** A profiles/ file that cannot be used: the server refuses to start rather than run without it. */
export class ProfileFileError extends Error {}

/**
 * The SearchParameter resources of a profiles directory: every `*.json` file in its
 * `search-parameters/` folder holds one. A missing folder means none.
 */
export function readProfileSearchParameters(profilesDir: string): SearchParameter[] {
  return readProfileFolder<SearchParameter>(profilesDir, 'search-parameters', 'SearchParameter');
}

/** The StructureDefinitions (profiles and extensions, with snapshots) compiled into `structure-definitions/`. */
export function readProfileStructureDefinitions(profilesDir: string): StructureDefinition[] {
  return readProfileFolder<StructureDefinition>(profilesDir, 'structure-definitions', 'StructureDefinition');
}

/** What the validator needs from profiles/: StructureDefinitions, ValueSets and CodeSystems. */
function readProfileValidationResources(profilesDir: string): (StructureDefinition | ValueSet | CodeSystem)[] {
  return [
    ...readProfileFolder<CodeSystem>(profilesDir, 'code-systems', 'CodeSystem'),
    ...readProfileFolder<ValueSet>(profilesDir, 'value-sets', 'ValueSet'),
    ...readProfileStructureDefinitions(profilesDir),
  ];
}

/** Every conformance resource of profiles/, read once at start. */
export interface ProfileFiles {
  /** What the validator compiles: CodeSystems, ValueSets, then StructureDefinitions. */
  validation: (StructureDefinition | ValueSet | CodeSystem)[];
  searchParameters: SearchParameter[];
  /** The OperationDefinitions of `operations/` (written by hand). */
  operations: OperationDefinition[];
  /** The Measures of `measures/`: what the server's summary operations report on. */
  measures: Measure[];
}

/** Reads every folder of profiles/ but `examples/`; two files with one type and id stop the start. */
export function readProfileFiles(profilesDir: string): ProfileFiles {
  const files: ProfileFiles = {
    validation: readProfileValidationResources(profilesDir),
    searchParameters: readProfileSearchParameters(profilesDir),
    operations: readProfileFolder<OperationDefinition>(profilesDir, 'operations', 'OperationDefinition'),
    measures: readProfileFolder<Measure>(profilesDir, 'measures', 'Measure'),
  };
  const seen = new Set<string>();
  for (const resource of profileConformanceResources(files)) {
    const key = `${resource.resourceType}/${resource.id}`;
    if (!resource.id || seen.has(key)) {
      throw new ProfileFileError(`profiles: ${resource.id ? `two files hold ${key}` : `a ${resource.resourceType} without id`}`);
    }
    seen.add(key);
  }
  return files;
}

/** The resources the server stores and serves at /fhir/<Type> (every one of the files). */
export function profileConformanceResources(files: ProfileFiles): Resource[] {
  return [...files.validation, ...files.searchParameters, ...files.operations, ...files.measures];
}

/** Compiles profiles/ into the validator; a profile that cannot be compiled stops the start. */
export function registerProfileResources(resources: readonly Resource[], validator: ResourceValidator): void {
  try {
    validator.register(resources);
  } catch (error) {
    if (error instanceof ConformanceResourceError) throw new ProfileFileError(`profiles: ${error.message}`);
    throw error;
  }
}

/**
 * Every `*.json` file of one folder of profiles/ (written by `npm run profiles` from profiles/fsh),
 * each holding one resource of the folder's type, in file name order. A missing folder means none.
 */
function readProfileFolder<T extends Resource>(profilesDir: string, folder: string, resourceType: T['resourceType']): T[] {
  const dir = path.join(profilesDir, folder);
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const resource = readJson(path.join(dir, file));
      if (resource.resourceType !== resourceType) {
        throw new ProfileFileError(`${path.join(dir, file)} holds a ${resource.resourceType}, not a ${resourceType}`);
      }
      return resource as T;
    });
}

function readJson(file: string): Resource {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Resource;
  } catch (error) {
    throw new ProfileFileError(`${file} is not readable JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
