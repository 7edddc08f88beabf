import { type BundleIndex, checkBundle, indexBundle } from './bundle';
import { type PassContext, profileLabel, report } from './context';
import type { CompiledProfile, ElementNode, TypeRef } from './model';
import { checkResourceId } from './primitives';
import { vitalSignsProfile } from './vital-signs';
import type { ProfileRegistry } from './registry';
import { checkElementRules } from './rules';
import type { ValidationIssue } from './types';
import { walkChildren } from './walk';

type JsonObject = Record<string, unknown>;

export interface ResourceRun {
  registry: ProfileRegistry;
  issues: ValidationIssue[];
  /** Profiles to check besides meta.profile; an unknown one is an error (it was asked for). */
  profiles?: readonly string[];
  /** The resource that contains this one (contained resources), for %rootResource and `#id`. */
  rootResource?: unknown;
  bundle?: BundleIndex;
  entryFullUrl?: string;
}

/** A whole resource: base R4, then each profile of meta.profile and of run.profiles. */
export function validateResourceTree(resource: unknown, path: string, run: ResourceRun): void {
  const resourceType = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    run.issues.push(issue('fatal', 'structure', path, 'The content is not a JSON object, so it cannot be a resource'));
    return;
  }
  const base = typeof resourceType === 'string' && run.registry.isResourceType(resourceType) ? run.registry.base(resourceType) : undefined;
  if (!base) {
    const diagnostics =
      typeof resourceType === 'string' ? `Unknown resource type '${resourceType}'` : 'Unable to find resourceType property';
    run.issues.push(issue('fatal', 'structure', path, diagnostics));
    return;
  }
  const ctx: PassContext = {
    registry: run.registry,
    issues: run.issues,
    profile: base,
    isBase: true,
    from: profileLabel(base),
    resource,
    rootResource: run.rootResource ?? resource,
    bundle: base.type === 'Bundle' ? indexBundle(resource as JsonObject) : run.bundle,
    entryFullUrl: run.entryFullUrl,
  };
  const obj = resource as JsonObject;
  if (obj.id !== undefined) {
    const problem = checkResourceId(obj.id);
    if (problem) {
      report(ctx, 'error', 'invalid', `${path}.id`, problem);
    }
  }
  applyDefinition(base, obj, path, ctx);
  if (base.type === 'Bundle') {
    checkBundle(obj, path, ctx);
  }
  applyProfiles(obj, path, ctx, run.profiles ?? []);
}

function applyProfiles(resource: JsonObject, path: string, ctx: PassContext, requested: readonly string[]): void {
  const declared = (resource.meta as { profile?: unknown } | undefined)?.profile;
  const metaProfiles = Array.isArray(declared) ? declared.filter((p): p is string => typeof p === 'string') : [];
  const seen = new Set<string>();
  metaProfiles.forEach((url, i) => {
    if (seen.has(url)) {
      return;
    }
    seen.add(url);
    const profile = ctx.registry.get(url);
    if (profile) {
      applyProfile(profile, resource, path, ctx);
    } else {
      // HL7's Java validator: an unknown meta.profile is a warning, the resource is checked without it.
      report(ctx, 'warning', 'not-found', `${path}.meta.profile[${i}]`, `Profile reference '${url}' has not been checked because it could not be found`);
    }
  });
  // An entered-in-error Observation is a retraction, not a measurement: the vital signs rule is
  // not applied to it (this keeps the official R4 example f202 valid).
  const vitalSign =
    resource.resourceType === 'Observation' && resource.status !== 'entered-in-error' ? vitalSignsProfile(resource) : undefined;
  if (vitalSign && !seen.has(vitalSign.url)) {
    report(ctx, 'information', 'informational', path, vitalSign.reason);
    applyProfile(ctx.registry.get(vitalSign.url) as CompiledProfile, resource, path, ctx);
    seen.add(vitalSign.url);
  }
  for (const url of requested) {
    if (seen.has(url)) {
      continue;
    }
    seen.add(url);
    const profile = ctx.registry.get(url);
    if (profile) {
      applyProfile(profile, resource, path, ctx);
    } else {
      report(ctx, 'error', 'not-found', path, `Profile '${url}' is not known to this server, so the resource cannot be checked against it`);
    }
  }
}

function applyProfile(profile: CompiledProfile, resource: JsonObject, path: string, ctx: PassContext): void {
  if (profile.type !== resource.resourceType) {
    report(ctx, 'error', 'structure', path, `Profile ${profile.url} is for ${profile.type}, not ${String(resource.resourceType)}`);
    return;
  }
  applyDefinition(profile, resource, path, { ...ctx, profile, isBase: false, from: profileLabel(profile) });
}

function applyDefinition(definition: CompiledProfile, resource: JsonObject, path: string, ctx: PassContext): void {
  const rootType: TypeRef = { code: definition.type, isPrimitive: false, profiles: [], targetProfiles: [] };
  checkElementRules(definition.root, rootType, resource, path, ctx);
  walkChildren(definition.root, rootType, resource, path, ctx);
}

/**
 * A resource inside another (contained, Bundle.entry.resource, Parameters.parameter.resource) is
 * validated as the resource it is. The base pass does it whole; a profile pass only checks the
 * profiles its element's type names (one of them must match).
 */
export function validateNestedResource(node: ElementNode, type: TypeRef, value: JsonObject, path: string, ctx: PassContext): void {
  const resourceType = value.resourceType;
  const location = typeof value.id === 'string' ? `${path}/*${String(resourceType)}/${value.id}*/` : path;
  if (ctx.isBase) {
    if (type.code !== 'Resource' && typeof resourceType === 'string' && resourceType !== type.code) {
      report(ctx, 'error', 'structure', path, `This element must be a ${type.code}, not a ${resourceType}`);
      return;
    }
    const contained = node.path.endsWith('.contained');
    validateResourceTree(value, location, {
      registry: ctx.registry,
      issues: ctx.issues,
      rootResource: contained ? ctx.rootResource : undefined,
      bundle: ctx.bundle,
      entryFullUrl: contained ? ctx.entryFullUrl : ctx.bundle?.fullUrlOf.get(value),
    });
    return;
  }
  const profiles = type.profiles.map((url) => ctx.registry.get(url)).filter((p): p is CompiledProfile => !!p);
  if (profiles.length === 0) {
    return;
  }
  const attempts = profiles.map((profile) => {
    const scratch: PassContext = { ...ctx, issues: [], resource: value };
    applyProfile(profile, value, location, scratch);
    return scratch.issues;
  });
  const passing = attempts.find((issues) => !issues.some((i) => i.severity === 'error' || i.severity === 'fatal'));
  ctx.issues.push(...(passing ?? attempts[0]));
}

function issue(severity: ValidationIssue['severity'], code: ValidationIssue['code'], path: string, diagnostics: string): ValidationIssue {
  return { severity, code, expression: [path], diagnostics };
}
