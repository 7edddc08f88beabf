import { checkBundleReference, resolveInBundle } from './bundle';
import { type PassContext, profileLabel, report } from './context';
import type { CompiledConstraint, ElementNode, TypeRef } from './model';
import { checkRange } from './range';
import { deepEqual, matchesPattern } from './values';

type JsonObject = Record<string, unknown>;

/** The rules on one value besides its children: fixed, pattern, binding, range, length, invariants, references. */
export function checkElementRules(node: ElementNode, type: TypeRef, value: unknown, path: string, ctx: PassContext): void {
  if (node.fixed !== undefined && !deepEqual(value, node.fixed)) {
    checkFixed(value, node.fixed, path, ctx);
  }
  if (node.pattern !== undefined && !matchesPattern(value, node.pattern)) {
    report(ctx, 'error', 'value', path, `The value does not match the required pattern '${show(node.pattern)}' (found '${show(value)}')`);
  }
  if (node.binding?.strength === 'required') {
    checkRequiredBinding(node.binding.valueSet, type.code, value, path, ctx);
  }
  if (node.minValue || node.maxValue) {
    checkRange(node, value, path, ctx);
  }
  if (node.maxLength !== undefined && typeof value === 'string' && value.length > node.maxLength) {
    report(ctx, 'error', 'too-long', path, `The value is longer than the maximum length of ${node.maxLength}`);
  }
  for (const constraint of constraintsFor(node, type, ctx)) {
    checkConstraint(constraint, type, value, path, ctx);
  }
  if (type.code === 'Reference') {
    checkReference(node, type, value as JsonObject, path, ctx);
  } else if (type.code === 'Attachment' && ctx.isBase) {
    checkAttachmentSize(value as JsonObject, path, ctx);
  }
}

/**
 * fixed[x] mismatches element by element, as HL7's Java validator reports them: an element the
 * fixed value lacks, one it has that the instance lacks, a different primitive.
 */
function checkFixed(value: unknown, fixed: unknown, path: string, ctx: PassContext): void {
  const isRecord = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isRecord(value) && isRecord(fixed)) {
    for (const key of Object.keys(value)) {
      if (!(key in fixed)) {
        report(ctx, 'error', 'value', `${path}.${key}`, `The element ${key} is present in the instance but not allowed in the applicable fixed value specified in profile`);
      }
    }
    for (const [key, expected] of Object.entries(fixed)) {
      if (key in value) {
        checkFixed(value[key], expected, `${path}.${key}`, ctx);
      } else {
        report(ctx, 'error', 'value', path, `Missing element '${key}' - required by fixed value '${show(fixed)}'`);
      }
    }
  } else if (Array.isArray(value) && Array.isArray(fixed) && value.length === fixed.length) {
    value.forEach((item, i) => checkFixed(item, fixed[i], `${path}[${i}]`, ctx));
  } else if (!deepEqual(value, fixed)) {
    report(ctx, 'error', 'value', path, `Value is '${show(value)}' but must be '${show(fixed)}'`);
  }
}

const typeConstraintCache = new WeakMap<ElementNode, Map<string, CompiledConstraint[]>>();

/**
 * The element's invariants, plus in the base pass those of its data type's root (qty-3 on every
 * Quantity): R4 snapshots list only ele-1 on an element, the type's own invariants live on the type.
 */
function constraintsFor(node: ElementNode, type: TypeRef, ctx: PassContext): readonly CompiledConstraint[] {
  if (!ctx.isBase || node.children.size > 0) {
    return node.constraints;
  }
  let byType = typeConstraintCache.get(node);
  if (!byType) {
    byType = new Map();
    typeConstraintCache.set(node, byType);
  }
  let constraints = byType.get(type.code);
  if (!constraints) {
    const typeRoot = ctx.registry.base(type.code)?.root;
    const own = new Set(node.constraints.map((c) => c.key));
    constraints = [...node.constraints, ...(typeRoot?.constraints ?? []).filter((c) => !own.has(c.key))];
    byType.set(type.code, constraints);
  }
  return constraints;
}

function checkConstraint(constraint: CompiledConstraint, type: TypeRef, value: unknown, path: string, ctx: PassContext): void {
  let ok: boolean;
  try {
    ok = constraint.check(value, type.code, ctx);
  } catch (err) {
    report(ctx, 'warning', 'exception', path, `Problem evaluating invariant ${constraint.key} '${constraint.expression}': ${String(err)}`);
    return;
  }
  if (!ok) {
    report(ctx, constraint.severity, 'invariant', path, `Constraint failed: ${constraint.key}: '${constraint.human}'`);
  }
}

function checkRequiredBinding(valueSet: string, typeCode: string, value: unknown, path: string, ctx: PassContext): void {
  const expansion = ctx.registry.terminology.expand(valueSet);
  if (!expansion) {
    return; // not expandable offline: not enforced (see Terminology)
  }
  const notIn = (shown: string): void =>
    report(
      ctx,
      'error',
      'code-invalid',
      path,
      `The value provided ('${shown}') is not in the value set '${valueSet}', and a code is required from this value set`,
    );
  if (typeof value === 'string') {
    if (!expansion.codes.has(value)) {
      notIn(value);
    }
    return;
  }
  const obj = value as JsonObject;
  if (typeCode === 'Coding') {
    if (typeof obj.code === 'string' && !expansion.systemCodes.has(`${obj.system}|${obj.code}`)) {
      notIn(`${obj.system ?? ''}#${obj.code}`);
    }
  } else if (typeCode === 'CodeableConcept' && Array.isArray(obj.coding)) {
    const codings = obj.coding as JsonObject[];
    const coded = codings.filter((c) => typeof c?.code === 'string');
    if (coded.length > 0 && !coded.some((c) => expansion.systemCodes.has(`${c.system}|${c.code}`))) {
      notIn(coded.map((c) => `${c.system ?? ''}#${c.code}`).join(', '));
    }
  }
}

const REFERENCE_TYPE = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Reference.reference's type (from the URL) must be one of the element's target profiles' types. */
function checkReference(node: ElementNode, type: TypeRef, value: JsonObject, path: string, ctx: PassContext): void {
  const reference = value.reference;
  if (typeof reference !== 'string') {
    return;
  }
  if (reference.startsWith('#')) {
    checkContainedReference(reference, path, ctx);
    return;
  }
  if (ctx.bundle && ctx.isBase) {
    checkBundleReference(reference, node.path, path, ctx);
  }
  if (ctx.bundle) {
    checkTargetProfiles(type, reference, path, ctx);
  }
  const targetType = REFERENCE_TYPE.exec(reference)?.[1];
  if (!targetType || !ctx.registry.isResourceType(targetType) || type.targetProfiles.length === 0) {
    return;
  }
  const allowed = type.targetProfiles.map((tp) => ctx.registry.get(tp)?.type ?? tp.slice(tp.lastIndexOf('/') + 1));
  if (!allowed.includes('Resource') && !allowed.includes(targetType)) {
    report(
      ctx,
      'error',
      'structure',
      path,
      `The type '${targetType}' implied by the reference URL ${reference} is not a valid Target for this element (must be one of [${allowed.join(', ')}])`,
    );
  }
}

const targetsInProgress = new Set<unknown>();

/**
 * A target profile that is not a base type (`Composition.subject` must be a BundlePatient): when
 * the target is in the same Bundle, it must conform to one of them.
 */
function checkTargetProfiles(type: TypeRef, reference: string, path: string, ctx: PassContext): void {
  const profiles = type.targetProfiles
    .map((url) => ctx.registry.get(url))
    .filter((p): p is NonNullable<typeof p> => !!p && !p.isBase);
  const target = profiles.length > 0 ? resolveInBundle(reference, ctx) : undefined;
  if (!target || targetsInProgress.has(target)) {
    return; // not in the bundle, or already being checked (references in a cycle)
  }
  const candidates = profiles.filter((p) => p.type === target.resourceType);
  if (candidates.length === 0) {
    return; // the target type itself is checked by checkReference
  }
  targetsInProgress.add(target);
  try {
    const conforms = candidates.some((profile) => {
      const scratch: PassContext = { ...ctx, issues: [], isBase: false, resource: target, rootResource: target };
      const asProfiled: TypeRef = { code: profile.type, isPrimitive: false, profiles: [profile.url], targetProfiles: [] };
      ctx.walker.validateNestedResource(profile.root, asProfiled, target, path, scratch);
      return !scratch.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
    });
    if (!conforms) {
      report(ctx, 'error', 'structure', path, `Unable to find a profile match for ${reference} among choices: ${candidates.map((p) => p.url).join(', ')}`);
    }
  } finally {
    targetsInProgress.delete(target);
  }
}

function checkContainedReference(reference: string, path: string, ctx: PassContext): void {
  if (!ctx.isBase || reference === '#') {
    return;
  }
  const contained = (ctx.rootResource as { contained?: unknown } | null)?.contained;
  const id = reference.slice(1);
  const found = Array.isArray(contained) && contained.some((c) => (c as { id?: unknown })?.id === id);
  if (!found) {
    report(ctx, 'error', 'structure', path, `Unable to resolve resource with reference '${reference}'`);
  }
}

const EXAMPLE_URL = /^https?:\/\/(www\.)?example\.(org|com)(\/|$)/;

/** An extension's url names its definition: the value must conform to it (checked as a profile). */
export function checkExtensionDefinition(value: JsonObject, path: string, ctx: PassContext): void {
  const url = value.url;
  // A relative url names a part of a complex extension, checked by that extension's definition.
  if (typeof url !== 'string' || !url.includes(':')) {
    return;
  }
  const definition = ctx.registry.get(url);
  if (!definition) {
    report(ctx, 'error', 'structure', path, `The extension ${url} could not be found so is not allowed here`);
    if (EXAMPLE_URL.test(url)) {
      // HL7's Java validator, by default: example.org URLs belong in examples, not in data.
      report(ctx, 'error', 'invalid', `${path}.url`, `Example URLs are not allowed in this context (${url})`);
    }
    return;
  }
  const extensionPass: PassContext = { ...ctx, profile: definition, isBase: false, from: profileLabel(definition) };
  const extensionType: TypeRef = { code: 'Extension', isPrimitive: false, profiles: [], targetProfiles: [] };
  checkElementRules(definition.root, extensionType, value, path, extensionPass);
  ctx.walker.walkChildren(definition.root, extensionType, value, path, extensionPass);
}

/** Attachment.size, when stated with inline data, is the decoded data's length (HL7's Java validator). */
function checkAttachmentSize(value: JsonObject, path: string, ctx: PassContext): void {
  if (typeof value.size !== 'number' || typeof value.data !== 'string') {
    return;
  }
  const actual = Buffer.from(value.data, 'base64').length;
  if (actual !== value.size) {
    report(ctx, 'error', 'structure', path, `Stated Attachment Size ${value.size} does not match actual attachment size ${actual}`);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
