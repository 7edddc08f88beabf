import type { BundleIndex, CompiledProfile, ElementNode, TypeRef } from './model';
import type { ProfileRegistry } from './registry';
import type { ValidationIssue } from './types';

/**
 * One pass of one StructureDefinition over (part of) a resource. The base R4 pass checks
 * everything; a profile pass re-checks only what a profile can change (cardinality, types,
 * fixed/pattern, bindings, slicing, its own invariants), as HL7's Java validator does, so base
 * structure errors are reported once.
 */
export interface PassContext {
  /** The recursive steps, passed along rather than imported so the modules form no cycle. */
  walker: Walker;
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

type JsonObject = Record<string, unknown>;

export interface Walker {
  /** Validates one value against an element and one of its types. */
  visit(node: ElementNode, type: TypeRef, value: unknown, path: string, ctx: PassContext, hasExtension: boolean): void;
  /** Validates an object's properties against the element that holds them. */
  walkChildren(node: ElementNode, type: TypeRef | undefined, obj: JsonObject, path: string, ctx: PassContext): void;
  /** Validates a resource inside another (contained, Bundle.entry.resource...). */
  validateNestedResource(node: ElementNode, type: TypeRef, value: JsonObject, path: string, ctx: PassContext): void;
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
