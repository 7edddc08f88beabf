import { tryGetDataType, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

export type PathEvaluator = (resource: Resource) => TypedValue[];

const SEGMENT = /^[a-z][A-Za-z0-9]*$/;

/**
 * Most R4 search parameters are plain dotted paths ("Observation.code", "Resource.meta.tag").
 * Those compile to property access, typed from the R4 schema, which is several times cheaper than
 * a FHIRPath evaluation on every write. Anything else — choice types, functions, backbone
 * elements — returns undefined and stays with FHIRPath.
 */
export function compileSimplePath(expression: string, resourceType: string): PathEvaluator | undefined {
  const [head, ...segments] = expression.trim().split('.');
  if (segments.length === 0 || !segments.every((s) => SEGMENT.test(s))) {
    return undefined;
  }
  if (head !== resourceType && head !== 'Resource' && head !== 'DomainResource') {
    return undefined;
  }
  let type = resourceType;
  for (const segment of segments) {
    const element = tryGetDataType(type)?.elements[segment];
    if (!element || element.type.length !== 1 || !tryTypeName(element.type[0].code)) {
      return undefined;
    }
    type = tryTypeName(element.type[0].code) as string;
  }
  const finalType = type;
  return (resource) => {
    let values: unknown[] = [resource];
    for (const segment of segments) {
      const next: unknown[] = [];
      for (const value of values) {
        const child = (value as Record<string, unknown>)[segment];
        if (Array.isArray(child)) next.push(...child);
        else if (child !== undefined && child !== null) next.push(child);
      }
      values = next;
    }
    return values.map((value) => ({ type: finalType, value }));
  };
}

/** FHIR type names only: FHIRPath system types (System.String for Resource.id) stay with FHIRPath. */
function tryTypeName(code: string): string | undefined {
  return /^[A-Za-z]+$/.test(code) && code !== 'BackboneElement' && code !== 'Element' ? code : undefined;
}
