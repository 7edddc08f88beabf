import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Bundle, Group, Resource, ResearchStudy } from '@medplum/fhirtypes';
import { createValidator, type ResourceValidator } from '../../../../src/fhir/validation';

const REPO = resolve(__dirname, '../../../..');

/** A seed trial's v2 record (bundles/ctgov), fresh each time so a test may break it. */
export function seedRecord(nctId: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO, 'bundles/ctgov', `${nctId}.json`), 'utf8')) as Record<string, unknown>;
}

export function resourcesOf<T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === type);
}

export function studyOf(bundle: Bundle): ResearchStudy {
  return resourcesOf<ResearchStudy>(bundle, 'ResearchStudy')[0];
}

export function groupOf(bundle: Bundle): Group {
  return resourcesOf<Group>(bundle, 'Group')[0];
}

let shared: ResourceValidator | undefined;

/** The server's validator with the project's profiles, value sets and code systems registered. */
export function projectValidator(): ResourceValidator {
  if (shared) return shared;
  const read = (folder: string): Resource[] =>
    readdirSync(join(REPO, 'profiles', folder))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(REPO, 'profiles', folder, f), 'utf8')) as Resource);
  shared = createValidator();
  shared.register([...read('code-systems'), ...read('value-sets'), ...read('structure-definitions')]);
  return shared;
}

export function errorsOf(resource: unknown, profiles?: string[]): string[] {
  return projectValidator()
    .validate(resource, { profiles })
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression[0]}: ${i.diagnostics}`);
}

export function warningsOf(resource: unknown, profiles?: string[]): string[] {
  return projectValidator()
    .validate(resource, { profiles })
    .filter((i) => i.severity === 'warning')
    .map((i) => `${i.expression[0]}: ${i.diagnostics}`);
}
