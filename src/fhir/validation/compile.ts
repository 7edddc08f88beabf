import type { ElementDefinition, ElementDefinitionType, StructureDefinition } from '@medplum/fhirtypes';
import { compileConstraint } from './invariants';
import { isPrimitiveType } from './primitives';
import type { Binding, CompiledProfile, Discriminator, ElementNode, Slicing, TypeRef } from './model';
import { ConformanceResourceError } from './types';

const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
/** FHIRPath system types used by R4 for `.value`, `id` and `url` when no fhir-type extension says more. */
const SYSTEM_TYPES: Record<string, string> = {
  'http://hl7.org/fhirpath/System.String': 'string',
  'http://hl7.org/fhirpath/System.Boolean': 'boolean',
  'http://hl7.org/fhirpath/System.Integer': 'integer',
  'http://hl7.org/fhirpath/System.Decimal': 'decimal',
  'http://hl7.org/fhirpath/System.Date': 'date',
  'http://hl7.org/fhirpath/System.DateTime': 'dateTime',
  'http://hl7.org/fhirpath/System.Time': 'time',
};

export interface CompileOptions {
  isBase: boolean;
  /** Constraint keys with their expression already enforced by base R4: a profile's copy is skipped. */
  baseConstraints?: ReadonlyMap<string, string>;
  /** Names of R4 choice elements (value, effective...), for invariants that navigate them. */
  choiceNames: ReadonlySet<string>;
}

/** Compiles a StructureDefinition's snapshot into a tree of element nodes, once. */
export function compileStructureDefinition(sd: StructureDefinition, options: CompileOptions): CompiledProfile {
  const elements = sd.snapshot?.element;
  if (!elements?.length) {
    throw new ConformanceResourceError(`StructureDefinition ${sd.url} has no snapshot`);
  }
  const byId = new Map<string, ElementNode>();
  const current = new Map<string, ElementNode>();
  const lastUnsliced = new Map<string, ElementNode>();
  let root: ElementNode | undefined;
  for (const element of elements) {
    const node = compileElement(element, sd, options);
    byId.set(node.id, node);
    const parentPath = element.path.slice(0, Math.max(element.path.lastIndexOf('.'), 0));
    if (!root) {
      root = node;
    } else if (element.sliceName) {
      attachSlice(node, lastUnsliced.get(element.path), sd);
    } else {
      const parent = current.get(parentPath);
      if (!parent) {
        throw new ConformanceResourceError(`${sd.url}: element ${node.id} has no parent in the snapshot`);
      }
      parent.children.set(node.name, node);
      lastUnsliced.set(element.path, node);
    }
    current.set(element.path, node);
  }
  for (const node of byId.values()) {
    indexKeys(node);
  }
  return {
    url: sd.url,
    version: sd.version,
    type: sd.type,
    kind: sd.kind,
    isBase: options.isBase,
    root: root as ElementNode,
    byId,
  };
}

function attachSlice(slice: ElementNode, sliced: ElementNode | undefined, sd: StructureDefinition): void {
  if (!sliced) {
    throw new ConformanceResourceError(`${sd.url}: slice ${slice.id} has no sliced element`);
  }
  if (sliced.isChoice) {
    // value[x]:valueQuantity constrains value[x] where it is a Quantity (R4 type slicing of choices).
    const typeSlices = (sliced.typeSlices ??= new Map());
    for (const type of slice.types) {
      typeSlices.set(type.code, slice);
    }
    return;
  }
  sliced.slicing ??= { discriminators: [], rules: 'open', ordered: false, slices: [] };
  sliced.slicing.slices.push(slice);
}

function compileElement(element: ElementDefinition, sd: StructureDefinition, options: CompileOptions): ElementNode {
  const lastSegment = element.path.slice(element.path.lastIndexOf('.') + 1);
  const isChoice = lastSegment.endsWith('[x]');
  const baseMax = element.base?.max ?? element.max ?? '1';
  const node: ElementNode = {
    id: element.id ?? element.path,
    path: element.path,
    name: isChoice ? lastSegment.slice(0, -3) : lastSegment,
    isChoice,
    sliceName: element.sliceName,
    min: element.min ?? 0,
    max: parseMax(element.max),
    isArray: element.path.includes('.') && baseMax !== '1' && baseMax !== '0',
    types: (element.type ?? []).map(compileType),
    children: new Map(),
    bounded: [],
    keys: new Map(),
    constraints: compileConstraints(element, options),
    binding: compileBinding(element),
    definition: element,
  };
  if (element.contentReference) {
    node.contentReference = element.contentReference.slice(element.contentReference.indexOf('#') + 1);
    // R4 gives no type where the content is another element's (Questionnaire.item.item).
    if (node.types.length === 0) {
      node.types.push({ code: 'BackboneElement', isPrimitive: false, profiles: [], targetProfiles: [] });
    }
  }
  if (element.slicing) {
    node.slicing = compileSlicing(element, sd);
  }
  if (element.maxLength !== undefined) {
    node.maxLength = element.maxLength;
  }
  copyPrefixed(element, node);
  return node;
}

/** fixed[x], pattern[x], minValue[x], maxValue[x]: the JSON key carries the type. */
function copyPrefixed(element: ElementDefinition, node: ElementNode): void {
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('fixed')) {
      node.fixed = value;
    } else if (key.startsWith('pattern')) {
      node.pattern = value;
    } else if (key.startsWith('minValue')) {
      node.minValue = { type: lowerFirst(key.slice(8)), value };
    } else if (key.startsWith('maxValue')) {
      node.maxValue = { type: lowerFirst(key.slice(8)), value };
    }
  }
}

function compileConstraints(element: ElementDefinition, options: CompileOptions): ElementNode['constraints'] {
  const constraints = (element.constraint ?? []).filter(
    (c) => c.expression && !(options.baseConstraints?.get(c.key as string) === c.expression),
  );
  return constraints.map((c) => compileConstraint(c, options.choiceNames));
}

function compileBinding(element: ElementDefinition): Binding | undefined {
  const binding = element.binding;
  if (!binding?.valueSet) {
    return undefined;
  }
  return { strength: binding.strength as Binding['strength'], valueSet: binding.valueSet.split('|')[0] };
}

function compileSlicing(element: ElementDefinition, sd: StructureDefinition): Slicing {
  const slicing = element.slicing;
  const discriminators = (slicing?.discriminator ?? []).map((d) => {
    if (!['value', 'pattern', 'type', 'profile', 'exists'].includes(d.type as string)) {
      throw new ConformanceResourceError(`${sd.url}: unknown discriminator type ${d.type} at ${element.id}`);
    }
    return { type: d.type, path: d.path } as Discriminator;
  });
  return {
    discriminators,
    rules: (slicing?.rules ?? 'open') as Slicing['rules'],
    ordered: slicing?.ordered ?? false,
    slices: [],
  };
}

function compileType(type: ElementDefinitionType): TypeRef {
  const code = type.code as string;
  const declared = type.extension?.find((e) => e.url === FHIR_TYPE_EXTENSION);
  const systemType = SYSTEM_TYPES[code];
  const primitive = systemType ? (declared?.valueUrl ?? declared?.valueUri ?? systemType) : undefined;
  return {
    code: primitive ?? code,
    isPrimitive: isPrimitiveType(primitive ?? code),
    primitive,
    profiles: type.profile ?? [],
    targetProfiles: type.targetProfile ?? [],
  };
}

/** JSON keys for a node's children: `value[x]` answers to `valueQuantity`, `valueString`... */
function indexKeys(node: ElementNode): void {
  for (const child of node.children.values()) {
    if (child.min > 0 || child.max !== Infinity || child.slicing) {
      node.bounded.push(child);
    }
    if (!child.isChoice) {
      node.keys.set(child.name, { node: child, type: child.types[0] });
      continue;
    }
    for (const type of child.types) {
      node.keys.set(child.name + upperFirst(type.code), { node: child, type });
    }
  }
}

function parseMax(max: string | undefined): number {
  return max === undefined || max === '*' ? Infinity : Number(max);
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
