import { tryGetDataType, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

export type PathEvaluator = (resource: Resource) => TypedValue[];

/** One JSON property a step may read, and the FHIR type of what it holds. */
interface Candidate {
  property: string;
  type: string;
}

const SEGMENT = /^[a-z][A-Za-z0-9]*$/;
/** `(Observation.value as CodeableConcept)`, optionally followed by `.text`... */
const AS_TYPE = /^\(\s*([^()\s]+)\s+as\s+([A-Za-z]+)\s*\)((?:\.[a-z][A-Za-z0-9]*)*)$/;

/**
 * Most R4 search parameters are plain paths ("Observation.code", "Resource.meta.tag",
 * "Observation.effective", "(Observation.value as CodeableConcept).text"). Those compile to
 * property access, typed from the R4 schema, which is several times cheaper than a FHIRPath
 * evaluation on every write. A choice element reads each of its typed properties (effectiveDateTime,
 * effectivePeriod...), or only the one an `as` names. Anything else (functions, indexes, several
 * types followed by more steps) returns undefined and stays with FHIRPath.
 */
export function compileSimplePath(expression: string, resourceType: string): PathEvaluator | undefined {
  const shape = AS_TYPE.exec(expression.trim());
  const path = shape ? shape[1] : expression.trim();
  const [head, ...before] = path.split('.');
  const after = shape?.[3] ? shape[3].slice(1).split('.') : [];
  if (before.length === 0 || ![...before, ...after].every((s) => SEGMENT.test(s))) {
    return undefined;
  }
  if (head !== resourceType && head !== 'Resource' && head !== 'DomainResource') {
    return undefined;
  }
  const steps = planSteps(resourceType, before, after, shape?.[2]);
  return steps && ((resource) => walk(resource, steps));
}

/** The candidates of each step, or undefined when the schema does not allow plain access. */
function planSteps(resourceType: string, before: string[], after: string[], asType: string | undefined): Candidate[][] | undefined {
  const steps: Candidate[][] = [];
  let type = resourceType;
  const segments = [...before, ...after];
  for (let i = 0; i < segments.length; i++) {
    const restrictTo = i === before.length - 1 ? asType : undefined;
    const candidates = candidatesOf(type, segments[i], restrictTo);
    const last = i === segments.length - 1;
    if (!candidates || candidates.length === 0 || (!last && candidates.length !== 1)) {
      return undefined;
    }
    steps.push(candidates);
    type = candidates[0].type;
  }
  return steps;
}

function candidatesOf(type: string, segment: string, restrictTo: string | undefined): Candidate[] | undefined {
  const elements = tryGetDataType(type)?.elements;
  const plain = elements?.[segment];
  if (plain) {
    const code = plain.type.length === 1 ? fhirTypeName(plain.type[0].code) : undefined;
    if (!code || (restrictTo !== undefined && restrictTo !== code)) return undefined;
    return [{ property: segment, type: code }];
  }
  const choice = elements?.[`${segment}[x]`];
  if (!choice) return undefined;
  const codes = choice.type.map((t) => fhirTypeName(t.code));
  if (codes.some((code) => code === undefined)) return undefined;
  return (codes as string[])
    .filter((code) => restrictTo === undefined || code === restrictTo)
    .map((code) => ({ property: segment + code[0].toUpperCase() + code.slice(1), type: code }));
}

function walk(resource: Resource, steps: Candidate[][]): TypedValue[] {
  let values: TypedValue[] = [{ type: '', value: resource }];
  for (const candidates of steps) {
    const next: TypedValue[] = [];
    for (const { value } of values) {
      for (const { property, type } of candidates) {
        const child = (value as Record<string, unknown>)[property];
        if (Array.isArray(child)) {
          for (const item of child) if (item !== undefined && item !== null) next.push({ type, value: item });
        } else if (child !== undefined && child !== null) {
          next.push({ type, value: child });
        }
      }
    }
    values = next;
  }
  return values;
}

/** FHIR type names only: FHIRPath system types (System.String for Resource.id) stay with FHIRPath. */
function fhirTypeName(code: string): string | undefined {
  return /^[A-Za-z]+$/.test(code) && code !== 'BackboneElement' && code !== 'Element' ? code : undefined;
}
