import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledResource } from './sushi-offline';

/**
 * Where each compiled resource goes in profiles/: one folder per kind, the server reading each folder
 * for one resource type (src/fhir/conformance/profile-files.ts). These folders hold SUSHI's output
 * only: a file in them that the FSH does not produce is stale and is deleted by `npm run profiles`.
 */
export const GENERATED_FOLDERS = ['structure-definitions', 'value-sets', 'code-systems', 'search-parameters', 'measures', 'examples'];

const FOLDER_BY_TYPE: Record<string, string> = {
  StructureDefinition: 'structure-definitions',
  ValueSet: 'value-sets',
  CodeSystem: 'code-systems',
  SearchParameter: 'search-parameters',
  Measure: 'measures',
};

export class ProfileLayoutError extends Error {}

/** The path, relative to profiles/, of a compiled resource. */
export function profilePath(compiled: CompiledResource): string {
  const { resourceType, id } = compiled.resource;
  if (compiled.fshKind === 'Instance' && compiled.usage === 'Example') {
    return path.join('examples', `${resourceType}-${id}.json`);
  }
  const folder = FOLDER_BY_TYPE[resourceType];
  if (!folder) {
    throw new ProfileLayoutError(
      `${resourceType}/${id} is a definition of a type the server does not load from profiles/; ` +
        'make it an example (Usage: #example) or give the type a folder in scripts/profiles/layout.ts',
    );
  }
  return path.join(folder, `${id}.json`);
}

/** The text of a compiled file: two-space JSON and a final newline, like the hand-written files were. */
export function profileText(compiled: CompiledResource): string {
  return `${JSON.stringify(compiled.resource, null, 2)}\n`;
}

/** Every compiled file, by its path relative to profiles/; two resources on one path is an error. */
export function expectedProfileFiles(resources: CompiledResource[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const compiled of resources) {
    const file = profilePath(compiled);
    if (files.has(file)) {
      throw new ProfileLayoutError(`two FSH items compile to profiles/${file}: give them different ids`);
    }
    files.set(file, profileText(compiled));
  }
  return files;
}

export interface ProfileDrift {
  /** Compiled from the FSH but absent from profiles/. */
  missing: string[];
  /** In profiles/ with other content than the FSH compiles to. */
  changed: string[];
  /** In a generated folder of profiles/ but produced by no FSH. */
  stale: string[];
}

/** How the JSON files in profilesDir differ from what the FSH compiles to. */
export function compareProfileFiles(profilesDir: string, expected: Map<string, string>): ProfileDrift {
  const drift: ProfileDrift = { missing: [], changed: [], stale: [] };
  for (const [file, text] of expected) {
    const onDisk = path.join(profilesDir, file);
    if (!existsSync(onDisk)) {
      drift.missing.push(file);
    } else if (readFileSync(onDisk, 'utf8') !== text) {
      drift.changed.push(file);
    }
  }
  drift.stale = generatedFilesOnDisk(profilesDir).filter((file) => !expected.has(file));
  return drift;
}

export function generatedFilesOnDisk(profilesDir: string): string[] {
  return GENERATED_FOLDERS.flatMap((folder) => {
    const dir = path.join(profilesDir, folder);
    if (!existsSync(dir)) {
      return [];
    }
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => path.join(folder, file));
  }).sort();
}
