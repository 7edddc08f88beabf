import { upperFirst } from './compile';
import { type PassContext, report } from './context';
import type { ElementNode, TypeRef } from './model';
import { checkPrimitive, describe } from './primitives';
import { validateNestedResource } from './resource';
import { checkElementRules, checkExtensionDefinition } from './rules';
import { assignSlices, reportSliceCardinality } from './slicing';

type JsonObject = Record<string, unknown>;

/**
 * Walks a JSON object's properties against the element that holds it: unknown properties,
 * JSON shapes (array vs single value, null, empty arrays), each value by its type, then the
 * cardinality of every child.
 */
export function walkChildren(node: ElementNode, type: TypeRef | undefined, obj: JsonObject, path: string, ctx: PassContext): void {
  const holder = childHolder(node, type, ctx);
  if (!holder) {
    return;
  }
  const counts = new Map<ElementNode, number>();
  for (const key in obj) {
    if (key === 'resourceType' && node === ctx.profile.root) {
      continue;
    }
    const primitiveExtension = key.charCodeAt(0) === 95; // `_birthDate`: the primitive's id and extensions
    const entry = holder.keys.get(primitiveExtension ? key.slice(1) : key);
    if (!entry) {
      reportUnknown(holder, key, path, ctx);
      continue;
    }
    const child = entry.node;
    const childPath = child.isChoice ? `${path}.${child.name}.ofType(${entry.type.code})` : `${path}.${child.name}`;
    if (primitiveExtension) {
      if (!(key.slice(1) in obj)) {
        counts.set(child, (counts.get(child) ?? 0) + (Array.isArray(obj[key]) ? (obj[key] as unknown[]).length : 1));
      }
      if (ctx.isBase) {
        visitPrimitiveExtensions(child, entry.type, obj[key], childPath, ctx);
      }
      continue;
    }
    counts.set(child, (counts.get(child) ?? 0) + visitProperty(child, entry.type, obj[key], childPath, ctx, obj[`_${key}`]));
  }
  checkCardinality(holder, counts, path, ctx);
}

/** The element whose children apply: the node's own (snapshot), or its type's definition. */
function childHolder(node: ElementNode, type: TypeRef | undefined, ctx: PassContext): ElementNode | undefined {
  if (node.children.size > 0) {
    return node;
  }
  if (node.contentReference) {
    return ctx.profile.byId.get(node.contentReference);
  }
  if (!ctx.isBase || !type) {
    return undefined;
  }
  return ctx.registry.base(type.code)?.root;
}

/** Validates one property's value(s); returns how many values it holds. */
function visitProperty(
  child: ElementNode,
  type: TypeRef,
  value: unknown,
  path: string,
  ctx: PassContext,
  extensions: unknown,
): number {
  if (!child.isArray) {
    if (Array.isArray(value)) {
      baseError(ctx, 'structure', path, `This property must be a single value, not an array`);
      return value.length;
    }
    visit(child, type, value, path, ctx, extensions !== undefined);
    return 1;
  }
  if (!Array.isArray(value)) {
    baseError(ctx, 'structure', path, `This property must be an Array, not ${describe(value)}`);
    visit(child, type, value, `${path}[0]`, ctx, false);
    return 1;
  }
  if (value.length === 0) {
    baseError(ctx, 'structure', path, 'Array cannot be empty - the property should not be present if it has no values');
    return 0;
  }
  const slices = !ctx.isBase && child.slicing ? assignSlices(child, type, value, path, ctx) : undefined;
  for (let i = 0; i < value.length; i++) {
    const hasExtension = Array.isArray(extensions) && extensions[i] != null;
    visit(slices?.[i] ?? child, type, value[i], `${path}[${i}]`, ctx, hasExtension);
  }
  return value.length;
}

/** Validates one value against an element and one of its types. */
export function visit(node: ElementNode, type: TypeRef, value: unknown, path: string, ctx: PassContext, hasExtension: boolean): void {
  const effective = (!ctx.isBase && node.typeSlices?.get(type.code)) || node;
  if (value === null) {
    if (!hasExtension) {
      baseError(ctx, 'structure', path, 'This property must not be null; leave it out instead');
    }
    return;
  }
  if (type.isPrimitive) {
    if (ctx.isBase) {
      const problem = checkPrimitive(type.code, value);
      if (problem) {
        report(ctx, 'error', 'invalid', path, problem);
        return;
      }
    }
    checkElementRules(effective, type, value, path, ctx);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    baseError(ctx, 'structure', path, `This property must be an object, not ${describe(value)}`);
    return;
  }
  if (type.code === 'Resource' || ctx.registry.isResourceType(type.code)) {
    validateNestedResource(effective, type, value as JsonObject, path, ctx);
    return;
  }
  checkElementRules(effective, type, value, path, ctx);
  if (type.code === 'Extension' && ctx.isBase) {
    checkExtensionDefinition(value as JsonObject, path, ctx);
  }
  walkChildren(effective, type, value as JsonObject, path, ctx);
}

/** `_given: [null, {extension: [...]}]`: each item is an Element (id, extension) of the primitive. */
function visitPrimitiveExtensions(child: ElementNode, type: TypeRef, value: unknown, path: string, ctx: PassContext): void {
  const elementType: TypeRef = { code: 'Element', isPrimitive: false, profiles: [], targetProfiles: [] };
  const items = Array.isArray(value) ? value : [value];
  const holder = ctx.registry.base(type.code)?.root ?? child;
  items.forEach((item, i) => {
    if (item === null) {
      return;
    }
    const itemPath = child.isArray ? `${path}[${i}]` : path;
    if (typeof item !== 'object' || Array.isArray(item)) {
      report(ctx, 'error', 'structure', itemPath, `The primitive extension must be an object, not ${describe(item)}`);
      return;
    }
    walkChildren(holder, elementType, item as JsonObject, itemPath, ctx);
  });
}

function reportUnknown(holder: ElementNode, key: string, path: string, ctx: PassContext): void {
  if (ctx.isBase) {
    report(ctx, 'error', 'structure', path, `Unrecognized property '${key}'`);
    return;
  }
  // A profile that narrows a choice (value[x] to Quantity) makes the base's other types unknown.
  for (const child of holder.children.values()) {
    const suffix = key.slice(child.name.length);
    if (child.isChoice && key.startsWith(child.name) && /^[A-Z]/.test(suffix)) {
      const valid = child.types.map((t) => upperFirst(t.code)).join(', ');
      report(
        ctx,
        'error',
        'structure',
        path,
        `The type of element ${key} is not known - it could not be determined from the information available. Valid types at this point are ${valid}`,
      );
    }
  }
}

function checkCardinality(holder: ElementNode, counts: Map<ElementNode, number>, path: string, ctx: PassContext): void {
  for (const child of holder.bounded) {
    const found = counts.get(child) ?? 0;
    if (found === 0 && child.slicing && !ctx.isBase) {
      reportSliceCardinality(child, new Map(), path, ctx);
    }
    if (found < child.min) {
      report(ctx, 'error', 'structure', path, `${child.path}: minimum required = ${child.min}, but only found ${found} (from ${ctx.from})`);
    } else if (found > child.max) {
      report(ctx, 'error', 'structure', path, `${child.path}: max allowed = ${child.max}, but found ${found} (from ${ctx.from})`);
    }
  }
}

/** JSON shape errors belong to the base pass: a profile pass would only repeat them. */
function baseError(ctx: PassContext, code: 'structure' | 'invalid', path: string, diagnostics: string): void {
  if (ctx.isBase) {
    report(ctx, 'error', code, path, diagnostics);
  }
}
