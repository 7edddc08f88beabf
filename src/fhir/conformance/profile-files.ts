import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource, SearchParameter } from '@medplum/fhirtypes';

/** A profiles/ file that cannot be used: the server refuses to start rather than run without it. */
export class ProfileFileError extends Error {}

/**
 * The SearchParameter resources of a profiles directory: every `*.json` file in its
 * `search-parameters/` folder holds one. A missing folder means none.
 */
export function readProfileSearchParameters(profilesDir: string): SearchParameter[] {
  const dir = path.join(profilesDir, 'search-parameters');
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const resource = readJson(path.join(dir, file));
      if (resource.resourceType !== 'SearchParameter') {
        throw new ProfileFileError(`${path.join(dir, file)} holds a ${resource.resourceType}, not a SearchParameter`);
      }
      return resource as SearchParameter;
    });
}

function readJson(file: string): Resource {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Resource;
  } catch (error) {
    throw new ProfileFileError(`${file} is not readable JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
