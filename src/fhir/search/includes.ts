import type { Resource } from '@medplum/fhirtypes';
import type { IncludeRequest, IndexedParameter, ResourceKey, ResourceReader } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';
import { canTarget } from './chain';
import type { IncludeSpec } from './include-params';

export interface IncludeLimits {
  /** Included resources per page at most. */
  maxIncluded: number;
  /** Rounds of `:iterate` at most; a fixed point is normally reached long before. */
  maxIterations: number;
}

/** 1,000 included resources per page is HAPI FHIR's default (maximumIncludesToLoadPerPage). */
export const INCLUDE_LIMITS: IncludeLimits = { maxIncluded: 1000, maxIterations: 10 };

export interface Included {
  resources: Resource[];
  /** Some were left out: the cap was reached, or `:iterate` had not settled after maxIterations rounds. */
  truncated: boolean;
}

/**
 * The resources _include and _revinclude add to one page of matches. Every included resource of
 * every search goes through here (the place to filter what a caller may see). One store query per
 * round: the first follows every spec from the matches, each later one follows the `:iterate`
 * specs from what the round before added, until nothing new comes. No resource comes twice, nor
 * one that is already a match; deleted ones never come.
 */
export async function assembleIncludes(
  reader: ResourceReader,
  matches: readonly Resource[],
  specs: readonly IncludeSpec[],
  registries: FhirRegistries,
  limits: IncludeLimits = INCLUDE_LIMITS,
): Promise<Included> {
  const seen = new Map(matches.map((r) => [keyString(r), keyOf(r)]));
  const resources: Resource[] = [];
  let from: readonly Resource[] = matches;
  for (let round = 0; from.length > 0; round++) {
    const active = round === 0 ? specs : specs.filter((s) => s.iterate);
    const requests = expand(active, new Set(from.map((r) => r.resourceType)), registries);
    if (requests.length === 0) {
      break;
    }
    if (round === limits.maxIterations) {
      return { resources, truncated: true };
    }
    const room = limits.maxIncluded - resources.length;
    const found = await reader.include({ from: from.map(keyOf), requests, exclude: [...seen.values()], limit: room + 1 });
    const added = found.slice(0, room);
    for (const resource of added) {
      seen.set(keyString(resource), keyOf(resource));
      resources.push(resource);
    }
    if (found.length > room) {
      return { resources, truncated: true };
    }
    from = added;
  }
  return { resources, truncated: false };
}

/** The store requests for the specs that apply to resources of the given types. */
function expand(specs: readonly IncludeSpec[], types: ReadonlySet<string>, registries: FhirRegistries): IncludeRequest[] {
  return specs.flatMap((spec) => (spec.reverse ? reverseRequests(spec, types, registries) : forwardRequests(spec, types, registries)));
}

function forwardRequests(spec: IncludeSpec, types: ReadonlySet<string>, registries: FhirRegistries): IncludeRequest[] {
  const sources = spec.sourceType ? [spec.sourceType].filter((t) => types.has(t)) : [...types];
  const params = sources.flatMap((type) => (spec.param ? [spec.param] : referenceParams(registries).byType.get(type) ?? []));
  return params.map((param) => ({ direction: 'forward', param, targetType: spec.targetType }));
}

function reverseRequests(spec: IncludeSpec, types: ReadonlySet<string>, registries: FhirRegistries): IncludeRequest[] {
  const index = referenceParams(registries);
  return [...types].flatMap((target) => {
    if (spec.targetType && spec.targetType !== target) {
      return [];
    }
    const params = spec.param
      ? [spec.param].filter((p) => canTarget(p, target))
      : (index.byTarget.get(target) ?? []).concat(index.untargeted).filter((p) => !spec.sourceType || p.resourceType === spec.sourceType);
    return params.map((param): IncludeRequest => ({ direction: 'reverse', param, targetType: target }));
  });
}


export interface ReferenceIndex {
  byType: Map<string, IndexedParameter[]>;
  byTarget: Map<string, IndexedParameter[]>;
  /** Reference parameters that declare no target type: they may point anywhere. */
  untargeted: IndexedParameter[];
}

const referenceIndexes = new WeakMap<FhirRegistries, { version: number; index: ReferenceIndex }>();

/** The reference parameters by referring type and by target type, built once per registry. */
export function referenceParams(registries: FhirRegistries): ReferenceIndex {
  // Built again when the project's SearchParameters change (the registry's version moves).
  const version = registries.searchParameters.version;
  const cached = referenceIndexes.get(registries);
  if (cached?.version === version) {
    return cached.index;
  }
  const index: ReferenceIndex = { byType: new Map(), byTarget: new Map(), untargeted: [] };
  for (const param of registries.searchParameters.indexed().filter((p) => p.type === 'reference')) {
    push(index.byType, param.resourceType, param);
    if (param.targets) {
      param.targets.forEach((target) => push(index.byTarget, target, param));
    } else {
      index.untargeted.push(param);
    }
  }
  referenceIndexes.set(registries, { version, index });
  return index;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function keyOf(resource: Resource): ResourceKey {
  return { resourceType: resource.resourceType, id: resource.id as string };
}

function keyString(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}
