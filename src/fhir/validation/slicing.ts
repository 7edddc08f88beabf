import { type PassContext, report } from './context';
import type { Discriminator, ElementNode, TypeRef } from './model';
import { deepEqual, matchesPattern, splitPath, valuesAt } from './values';
import { visit } from './walk';

type Matcher = (item: unknown, ctx: PassContext) => boolean;

const matcherCache = new WeakMap<ElementNode, Matcher>();

/**
 * Assigns each item of a sliced array to the first slice it matches (R4 profiling.html#slicing),
 * then reports unmatched items of a closed slicing and each slice's cardinality. Returns, per
 * item, the slice whose definition applies to it (undefined: the sliced element's own).
 */
export function assignSlices(
  sliced: ElementNode,
  type: TypeRef,
  items: readonly unknown[],
  path: string,
  ctx: PassContext,
): (ElementNode | undefined)[] {
  const slicing = sliced.slicing;
  if (!slicing || slicing.slices.length === 0) {
    return [];
  }
  const counts = new Map<ElementNode, number>();
  const assigned = items.map((item, i) => {
    const slice = slicing.slices.find((s) => matcherFor(s, slicing.discriminators, type)(item, ctx));
    if (slice) {
      counts.set(slice, (counts.get(slice) ?? 0) + 1);
    } else if (slicing.rules === 'closed') {
      report(
        ctx,
        'error',
        'invalid',
        `${path}[${i}]`,
        `This element does not match any known slice defined in the profile ${ctx.from} and slicing is CLOSED`,
      );
    }
    return slice;
  });
  reportSliceCardinality(sliced, counts, path.slice(0, path.lastIndexOf('.')), ctx);
  return assigned;
}

/** Each slice's min and max; also called with no counts when the sliced array is absent. */
export function reportSliceCardinality(
  sliced: ElementNode,
  counts: ReadonlyMap<ElementNode, number>,
  parentPath: string,
  ctx: PassContext,
): void {
  for (const slice of sliced.slicing?.slices ?? []) {
    const found = counts.get(slice) ?? 0;
    const label = `${slice.path}:${slice.sliceName}`;
    if (found < slice.min) {
      report(
        ctx,
        'error',
        'structure',
        parentPath,
        `Slice '${label}': a matching slice is required, but not found (from ${ctx.from}). Note that other slices are allowed in addition to this required slice`,
      );
    } else if (found > slice.max) {
      report(ctx, 'error', 'structure', parentPath, `Slice '${label}': a maximum of ${slice.max} is allowed, but found ${found} (from ${ctx.from})`);
    }
  }
}

function matcherFor(slice: ElementNode, discriminators: readonly Discriminator[], type: TypeRef): Matcher {
  let matcher = matcherCache.get(slice);
  if (!matcher) {
    const parts = discriminators.map((d) => discriminatorMatcher(slice, d, type));
    matcher = (item, ctx) => parts.every((m) => m(item, ctx));
    matcherCache.set(slice, matcher);
  }
  return matcher;
}

function discriminatorMatcher(slice: ElementNode, discriminator: Discriminator, type: TypeRef): Matcher {
  const targets = nodesAt(slice, discriminator.path);
  const target = targets[0];
  switch (discriminator.type) {
    case 'value':
    case 'pattern':
      return valueMatcher(slice, targets, discriminator.path);
    case 'exists': {
      const required = (target?.min ?? 0) > 0;
      return (item) => valuesAt(item, discriminator.path).length > 0 === required;
    }
    case 'type': {
      const types = new Set((target ?? slice).types.map((t) => t.code));
      return (item) => valuesAt(item, discriminator.path).some((v) => types.has(typeOf(v, type)));
    }
    case 'profile':
      return profileMatcher(target ?? slice, discriminator.path);
  }
}

/**
 * The fixed or pattern values the slice sets at the discriminator path (several when the path
 * runs through a sliced element, as bp's `code.coding.code` does through coding:SBPCode).
 */
function valueMatcher(slice: ElementNode, targets: readonly ElementNode[], path: string): Matcher {
  const expected = targets
    .filter((t) => t.fixed !== undefined || t.pattern !== undefined)
    .map((t) => ({ value: t.fixed ?? t.pattern, exact: t.fixed !== undefined }));
  // An extension slice names its definition in the type profile rather than in a fixed url.
  if (expected.length === 0 && path === 'url' && slice.types[0]?.profiles[0]) {
    expected.push({ value: slice.types[0].profiles[0], exact: true });
  }
  if (expected.length === 0) {
    return () => false;
  }
  return (item) =>
    expected.every(({ value, exact }) =>
      valuesAt(item, path).some((v) => (exact ? deepEqual(v, value) : matchesPattern(v, value))),
    );
}

/** A profile discriminator: the value conforms to the profile (checked silently). */
function profileMatcher(target: ElementNode, path: string): Matcher {
  const profiles = target.types.flatMap((t) => t.profiles);
  return (item, ctx) =>
    valuesAt(item, path).some((v) =>
      profiles.some((url) => {
        const profile = ctx.registry.get(url);
        if (!profile || typeof v !== 'object' || v === null) {
          return false;
        }
        const scratch: PassContext = { ...ctx, issues: [], profile, isBase: false, from: url };
        const rootType: TypeRef = { code: profile.type, isPrimitive: false, profiles: [], targetProfiles: [] };
        visit(profile.root, rootType, v, profile.type, scratch, false);
        return !scratch.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
      }),
    );
}

/** The elements a discriminator path names inside a slice, following children and their slices. */
function nodesAt(slice: ElementNode, path: string): ElementNode[] {
  let nodes: ElementNode[] = [slice];
  for (const segment of splitPath(path)) {
    const name = segment.replace(/\.?ofType\(.*\)$/, '');
    nodes = nodes.flatMap((node) => {
      const child = node.children.get(name);
      const choice = node.typeSlices?.values().next().value;
      const found = child ?? choice;
      return found ? [found, ...(found.slicing?.slices ?? [])] : [];
    });
  }
  return nodes;
}

function typeOf(value: unknown, type: TypeRef): string {
  const resourceType = (value as { resourceType?: unknown } | null)?.resourceType;
  return typeof resourceType === 'string' ? resourceType : type.code;
}
