import { tryGetDataType } from '@medplum/core';
import type { Coding, Resource } from '@medplum/fhirtypes';

/** Marks a resource that was returned with elements left out (R4 search page, "Summary"). */
export const SUBSETTED: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};

const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export interface ShapeOptions {
  summary?: string;
  elements?: string[];
}

/** Applies _summary and _elements to one resource; returns it untouched when neither asks for less. */
export function shapeResource(resource: Resource, { summary, elements }: ShapeOptions): Resource {
  if (summary && summary !== 'false' && summary !== 'count') {
    return subset(resource, summaryFilter(resource.resourceType, summary));
  }
  if (elements && elements.length > 0) {
    const wanted = new Set(elements.map((e) => e.replace(new RegExp(`^${resource.resourceType}\\.`), '')));
    const mandatory = tryGetDataType(resource.resourceType)?.mandatoryProperties ?? new Set<string>();
    return subset(resource, (key) => wanted.has(key) || wanted.has(choiceBase(resource.resourceType, key)) || mandatory.has(key));
  }
  return resource;
}

function summaryFilter(type: string, summary: string): (key: string) => boolean {
  const schema = tryGetDataType(type);
  const summaryProps = schema?.summaryProperties ?? new Set<string>();
  const mandatory = schema?.mandatoryProperties ?? new Set<string>();
  switch (summary) {
    case 'text':
      return (key) => key === 'text' || mandatory.has(key);
    case 'data':
      return (key) => key !== 'text';
    default:
      return (key) => summaryProps.has(key) || summaryProps.has(choiceBase(type, key));
  }
}

function subset(resource: Resource, keep: (key: string) => boolean): Resource {
  const result: Record<string, unknown> = {};
  let removed = false;
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS.has(key) || keep(key)) {
      result[key] = value;
    } else {
      removed = true;
    }
  }
  if (!removed) {
    return resource;
  }
  const meta = (result.meta ?? {}) as Resource['meta'] & object;
  result.meta = { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] };
  return result as unknown as Resource;
}

/** "valueQuantity" -> "value" when the type has a value[x] element. */
function choiceBase(type: string, key: string): string {
  const elements = tryGetDataType(type)?.elements ?? {};
  for (let end = key.length - 1; end > 0; end--) {
    if (/[A-Z]/.test(key[end]) && elements[`${key.slice(0, end)}[x]`]) {
      return key.slice(0, end);
    }
  }
  return key;
}
