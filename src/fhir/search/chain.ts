import type { IndexedParameter, QueryFilter } from '../../store/repository';

/**
 * What following links needs: the resource types and each type's parameters. The registries meet
 * it; it is this narrow so that the conformance layer, which the registries live in, can check a
 * chain (a SearchParameter's also-via extension) without an import cycle.
 */
export interface LinkScope {
  resourceTypes: ReadonlySet<string>;
  searchParameters: { get(resourceType: string, code: string): IndexedParameter | undefined };
}

/**
 * Turns one plain parameter of a type into a filter (a parameter that also matches through chains
 * becomes any of several), or says why it cannot be applied.
 */
export type PlainFilter<R extends LinkScope = LinkScope> = (type: string, rawName: string, value: string, registries: R) => QueryFilter | string;

/** Whether a reference parameter may point at resources of `type` (one that declares no targets may point anywhere). */
export function canTarget(reference: IndexedParameter, type: string): boolean {
  return !reference.targets || reference.targets.includes(type as never);
}

/** Whether a parameter name chains (`subject:Patient.name`) or reverse-chains (`_has:...`). */
export function isLinked(rawName: string): boolean {
  return rawName.startsWith('_has:') || rawName.includes('.');
}

/**
 * A chained or reverse-chained parameter of `type` as a filter, or the reason it cannot be applied
 * (an unknown parameter or type at any link). Links nest to any depth; modifiers and prefixes
 * belong to the last link, which `plain` resolves on the type the chain has reached.
 */
export function linkedFilter<R extends LinkScope>(
  type: string,
  rawName: string,
  value: string,
  registries: R,
  plain: PlainFilter<R>,
): QueryFilter | string {
  if (rawName.startsWith('_has:')) {
    return reverseChain(type, rawName, value, registries, plain);
  }
  if (rawName.includes('.')) {
    return chain(type, rawName, value, registries, plain);
  }
  return plain(type, rawName, value, registries);
}

/** `subject:Patient.organization.name`: the first link here, the rest on each target type. */
function chain<R extends LinkScope>(type: string, rawName: string, value: string, registries: R, plain: PlainFilter<R>): QueryFilter | string {
  const dot = rawName.indexOf('.');
  const [code, targetModifier, extra] = rawName.slice(0, dot).split(':');
  const rest = rawName.slice(dot + 1);
  const reference = referenceParameter(type, code, registries);
  if (typeof reference === 'string') {
    return reference;
  }
  if (extra !== undefined || (targetModifier !== undefined && !registries.resourceTypes.has(targetModifier))) {
    return `"${rawName.slice(0, dot)}" is not a reference parameter with an optional resource type`;
  }
  if (targetModifier !== undefined) {
    if (!canTarget(reference, targetModifier)) {
      return `Parameter "${code}" of ${type} cannot refer to a ${targetModifier}`;
    }
    const next = linkedFilter(targetModifier, rest, value, registries, plain);
    return typeof next === 'string' ? next : { kind: 'chain', reference, targets: [{ resourceType: targetModifier, filter: next }] };
  }
  if (!reference.targets) {
    return `Parameter "${code}" of ${type} declares no target types; name one, as in "${code}:[type].${rest}"`;
  }
  return untypedChain(reference, rest, value, registries, plain);
}

/**
 * An untyped link searches every target type on which the rest of the chain exists, skipping the
 * others, and fails only when no target type has it: what HAPI FHIR does (ResourceLinkPredicateBuilder),
 * so `Observation?subject.name=x` searches the Patient and Location subjects, the types with `name`.
 */
function untypedChain<R extends LinkScope>(reference: IndexedParameter, rest: string, value: string, registries: R, plain: PlainFilter<R>): QueryFilter | string {
  const targets: { resourceType: string; filter: QueryFilter }[] = [];
  let reason: string | undefined;
  for (const resourceType of reference.targets ?? []) {
    if (!registries.resourceTypes.has(resourceType)) {
      continue;
    }
    const next = linkedFilter(resourceType, rest, value, registries, plain);
    if (typeof next === 'string') {
      reason ??= next;
    } else {
      targets.push({ resourceType, filter: next });
    }
  }
  if (targets.length === 0) {
    return `No target type of parameter "${reference.code}" of ${reference.resourceType} can be searched by "${rest}" (${reason})`;
  }
  return { kind: 'chain', reference, targets };
}

/** `_has:Observation:subject:code` and `_has:Observation:subject:_has:...`: the referring side. */
function reverseChain<R extends LinkScope>(type: string, rawName: string, value: string, registries: R, plain: PlainFilter<R>): QueryFilter | string {
  const [, sourceType, code, ...rest] = rawName.split(':');
  if (!sourceType || !code || rest.length === 0) {
    return `"${rawName}" is not of the form _has:[type]:[reference parameter]:[parameter]`;
  }
  if (!registries.resourceTypes.has(sourceType)) {
    return `Unknown resource type "${sourceType}" in "${rawName}"`;
  }
  const reference = referenceParameter(sourceType, code, registries);
  if (typeof reference === 'string') {
    return reference;
  }
  if (!canTarget(reference, type)) {
    return `Parameter "${code}" of ${sourceType} cannot refer to a ${type} (in "${rawName}")`;
  }
  const filter = linkedFilter(sourceType, rest.join(':'), value, registries, plain);
  return typeof filter === 'string' ? filter : { kind: 'has', reference, targetType: type, filter };
}

function referenceParameter(type: string, code: string, registries: LinkScope): IndexedParameter | string {
  const param = registries.searchParameters.get(type, code);
  if (!param) {
    return `Unknown search parameter "${code}" for ${type}`;
  }
  if (param.type !== 'reference') {
    return `Parameter "${code}" of ${type} is not a reference, so it cannot be chained`;
  }
  return param;
}
