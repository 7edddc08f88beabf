import type { ElementDefinition } from '@medplum/fhirtypes';
import type { ValidationIssue } from './types';

/**
 * The compiled form of a StructureDefinition: a tree of element nodes built once from the
 * snapshot, so validate() never reads a snapshot. Each node holds everything a check needs.
 */

/** One allowed type of an element (ElementDefinition.type), with the JSON key suffix for choices. */
export interface TypeRef {
  code: string;
  /** Whether `code` is a FHIR primitive type (checked by primitives.ts), computed once. */
  isPrimitive: boolean;
  /** For primitives typed as System.String etc.: the FHIR primitive from structuredefinition-fhir-type. */
  primitive?: string;
  profiles: readonly string[];
  targetProfiles: readonly string[];
}

export interface CompiledConstraint {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
  /** Native replacement (verified against the expression text) or the parsed FHIRPath. */
  check: (value: unknown, typeCode: string, ctx: InvariantContext) => boolean;
}

export interface InvariantContext {
  resource: unknown;
  rootResource: unknown;
}

export interface Binding {
  strength: 'required' | 'extensible' | 'preferred' | 'example';
  valueSet: string;
}

export interface Discriminator {
  type: 'value' | 'pattern' | 'type' | 'profile' | 'exists';
  path: string;
}

export interface Slicing {
  discriminators: readonly Discriminator[];
  rules: 'open' | 'closed' | 'openAtEnd';
  ordered: boolean;
  slices: ElementNode[];
}

export interface ElementNode {
  /** The ElementDefinition id, e.g. `Observation.component:SystolicBP.code`. */
  id: string;
  path: string;
  /** The last path segment without `[x]`: the JSON key (choices add a type suffix). */
  name: string;
  isChoice: boolean;
  sliceName?: string;
  min: number;
  max: number;
  /** Whether the base element is a list (base max != 1): JSON arrays and `[i]` in locations. */
  isArray: boolean;
  types: TypeRef[];
  /** Children defined in this snapshot, by name; empty when the type's own definition applies. */
  children: Map<string, ElementNode>;
  /** The children with a cardinality or slicing to check (not 0..*): checked on every object. */
  bounded: ElementNode[];
  /** JSON key to the child and its type, e.g. `valueQuantity` to (value[x], Quantity). */
  keys: Map<string, { node: ElementNode; type: TypeRef }>;
  /** For choice elements sliced by type (`value[x]:valueQuantity`): the slice for each type code. */
  typeSlices?: Map<string, ElementNode>;
  fixed?: unknown;
  pattern?: unknown;
  binding?: Binding;
  constraints: CompiledConstraint[];
  slicing?: Slicing;
  contentReference?: string;
  minValue?: { type: string; value: unknown };
  maxValue?: { type: string; value: unknown };
  maxLength?: number;
  definition: ElementDefinition;
}

export interface CompiledProfile {
  url: string;
  version?: string;
  type: string;
  /** Whether this is the base R4 definition of its type (structure checks run only there). */
  isBase: boolean;
  kind: string;
  root: ElementNode;
  byId: Map<string, ElementNode>;
}

export type IssueSink = ValidationIssue[];
