import type { BundleIndex } from './bundle';
import type { CompiledProfile } from './model';
import type { ProfileRegistry } from './registry';
import type { ValidationIssue } from './types';

/**
 * One pass of one StructureDefinition over (part of) a resource. The base R4 pass checks
 * everything; a profile pass re-checks only what a profile can change (cardinality, types,
 * fixed/pattern, bindings, slicing, its own invariants), as HL7's Java validator does, so base
 * structure errors are reported once.
 */
export interface PassContext {
  registry: ProfileRegistry;
  issues: ValidationIssue[];
  profile: CompiledProfile;
  isBase: boolean;
  /** `url|version`, quoted in cardinality and slicing messages as the Java validator does. */
  from: string;
  resource: unknown;
  rootResource: unknown;
  /** The Bundle this resource is an entry of (or is inside), and that entry's fullUrl. */
  bundle?: BundleIndex;
  entryFullUrl?: string;
}

export function profileLabel(profile: CompiledProfile): string {
  return profile.version ? `${profile.url}|${profile.version}` : profile.url;
}

export function report(
  ctx: PassContext,
  severity: ValidationIssue['severity'],
  code: ValidationIssue['code'],
  location: string,
  diagnostics: string,
): void {
  ctx.issues.push({ severity, code, expression: [location], diagnostics });
}
