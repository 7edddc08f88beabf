import type { ElementDefinition } from '@medplum/fhirtypes';

/**
 * What a profile's differential may not do to its base: widen a cardinality or allow a type the base
 * does not. fhir-snapshot-generator applies such a differential without complaint; HL7's Java
 * validator (ProfileUtilities, which HAPI uses too) refuses it when it builds the snapshot, and so does
 * Stroma. Each problem names the element id.
 */
export function constraintProblems(
  differential: readonly ElementDefinition[],
  snapshot: readonly ElementDefinition[],
  baseSnapshot: readonly ElementDefinition[],
): string[] {
  const generated = byId(snapshot);
  const base = byId(baseSnapshot);
  return differential.flatMap((diff) => {
    const id = diff.id ?? diff.path ?? '';
    const element = generated.get(id);
    const baseElement = base.get(id) ?? base.get(withoutSliceNames(id));
    if (!element || !baseElement) {
      return [];
    }
    const sameElement = base.has(id);
    return [...(sameElement ? cardinalityProblems(id, element, baseElement) : []), ...typeProblems(id, element, baseElement)];
  });
}

function cardinalityProblems(id: string, element: ElementDefinition, base: ElementDefinition): string[] {
  const problems: string[] = [];
  if ((element.min ?? 0) < (base.min ?? 0)) {
    problems.push(`${id}: min ${element.min} is below the base's min ${base.min}`);
  }
  if (maxOf(element.max) > maxOf(base.max)) {
    problems.push(`${id}: max ${element.max} is above the base's max ${base.max}`);
  }
  if (maxOf(element.max) < (element.min ?? 0)) {
    problems.push(`${id}: max ${element.max} is below its min ${element.min}`);
  }
  return problems;
}

/** A type may be narrowed to some of the base's types; an abstract Resource to any resource type. */
function typeProblems(id: string, element: ElementDefinition, base: ElementDefinition): string[] {
  const allowed = new Set((base.type ?? []).map((t) => t.code));
  if (allowed.size === 0 || allowed.has('Resource') || allowed.has('DomainResource')) {
    return [];
  }
  return (element.type ?? [])
    .filter((t) => !allowed.has(t.code))
    .map((t) => `${id}: type ${t.code} is not one of the base's types (${[...allowed].join(', ')})`);
}

function byId(elements: readonly ElementDefinition[]): Map<string, ElementDefinition> {
  return new Map(elements.map((e) => [e.id ?? e.path ?? '', e]));
}

/** `Observation.component:systolic.code` -> `Observation.component.code`: the element a slice constrains. */
function withoutSliceNames(id: string): string {
  return id
    .split('.')
    .map((part) => part.split(':')[0])
    .join('.');
}

function maxOf(max: string | undefined): number {
  return max === undefined || max === '*' ? Number.POSITIVE_INFINITY : Number(max);
}
