import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { DEFAULT_PROFILES_DIR } from '../../src/config';

/** A positive example of the project's profiles (profiles/examples/<name>.json), as a fresh copy. */
export function profileExample<T extends Resource = Resource>(name: string): T {
  return JSON.parse(readFileSync(path.join(DEFAULT_PROFILES_DIR, 'examples', `${name}.json`), 'utf8')) as T;
}

/** The same example without meta.profile: whatever profiles apply, the server must choose them itself. */
export function unprofiledExample<T extends Resource = Resource>(name: string): T {
  const resource = profileExample<T>(name);
  delete resource.meta;
  return resource;
}
