import { checkBundleReference } from './bundle';
import { type PassContext, profileLabel, report } from './context';
import type { CompiledConstraint, ElementNode, TypeRef } from './model';
import { deepEqual, matchesPattern } from './values';
import { walkChildren } from './walk';

type JsonObject = Record<string, unknown>;

/** The rules on one value besides its children: fixed, pattern, binding, range, length, invariants, references. */
export function checkElementRules(node: ElementNode, type: TypeRef, value: unknown, path: string, ctx: PassContext): void {
  if (node.fixed !== undefined && !deepEqual(value, node.fixed)) {
    report(ctx, 'error', 'value', path, `Value is '${show(value)}' but must be '${show(node.fixed)}'`);
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

function checkRange(node: ElementNode, value: unknown, path: string, ctx: PassContext): void {
  const actual = comparable(value);
  if (actual === undefined) {
    return;
  }
  const min = node.minValue && comparable(node.minValue.value);
  const max = node.maxValue && comparable(node.maxValue.value);
  if (min !== undefined && actual < min) {
    report(ctx, 'error', 'invariant', path, `The value '${show(value)}' is less than the minimum of '${show(node.minValue?.value)}'`);
  }
  if (max !== undefined && actual > max) {
    report(ctx, 'error', 'invariant', path, `The value '${show(value)}' is greater than the maximum of '${show(node.maxValue?.value)}'`);
  }
}

/** Numbers, date-like strings (compared as text, same precision assumed) and Quantity values. */
function comparable(value: unknown): number | string | undefined {
  if (typeof value === 'number' || typeof value === 'string') {
    return value;
  }
  const quantityValue = (value as { value?: unknown } | null)?.value;
  return typeof quantityValue === 'number' ? quantityValue : undefined;
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
    return;
  }
  const extensionPass: PassContext = { ...ctx, profile: definition, isBase: false, from: profileLabel(definition) };
  const extensionType: TypeRef = { code: 'Extension', isPrimitive: false, profiles: [], targetProfiles: [] };
  checkElementRules(definition.root, extensionType, value, path, extensionPass);
  walkChildren(definition.root, extensionType, value, path, extensionPass);
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
