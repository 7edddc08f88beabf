import { evalFhirPathTyped, parseFhirPath, type FhirPathAtom, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { SearchParamType } from '../../repository';
import type { IndexType, QueryContext } from './index-type';
import { compileSimplePath } from './simple-path';
import { INDEX_TYPES } from './index';

/**
 * A parameter indexed element by element (see composite-plan.ts): the elements a composite's
 * expression yields are evaluated once, then `expression` on each of them, and every row carries
 * the element's ordinal in the `tuple` column, so a composite can require its components to match
 * on the same element.
 */
export interface ElementwiseParameter {
  resourceType: string;
  /** The stored parameter whose rows these are, or `<composite>$<n>` for a component with rows of its own. */
  code: string;
  type: SearchParamType;
  /** FHIRPath of the elements; undefined for the resource itself, whose rows then carry no tuple. */
  element?: string;
  /** FHIRPath relative to one element (R4 writes `value.as(Quantity)`; `%resource` is the resource). */
  expression: string;
}

interface CompiledPart {
  code: string;
  index: IndexType;
  expression: FhirPathAtom;
}

interface ElementGroup {
  /** Undefined: the resource itself is the one element. */
  elements?: (input: TypedValue[]) => TypedValue[];
  parts: CompiledPart[];
}

/** Index rows of one table: [param, ...columns] or, for an element's rows, [param, ...columns, tuple]. */
export type IndexRows = Map<IndexType, unknown[][]>;

/** Evaluates the element-wise parameters of each resource type, each distinct element path once. */
export class ElementwiseIndexer {
  private readonly byType = new Map<string, ElementGroup[]>();

  constructor(
    parameters: readonly ElementwiseParameter[],
    private readonly ctx: QueryContext,
  ) {
    const groups = new Map<string, ElementGroup>();
    for (const param of parameters) {
      const index = INDEX_TYPES[param.type];
      if (!index) continue;
      const key = `${param.resourceType} ${param.element ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        group = { elements: param.element === undefined ? undefined : compileElements(param.element, param.resourceType), parts: [] };
        groups.set(key, group);
        this.byType.set(param.resourceType, [...(this.byType.get(param.resourceType) ?? []), group]);
      }
      group.parts.push({ code: param.code, index, expression: parseFhirPath(withTypeFilters(param.expression)) });
    }
  }

  /** Adds the element-wise rows of a resource to `rows`; `input` is the resource as a typed value. */
  addRows(resource: Resource, input: TypedValue[], rows: IndexRows): void {
    const variables = { '%resource': input[0] };
    for (const group of this.byType.get(resource.resourceType) ?? []) {
      const elements = group.elements ? group.elements(input) : input;
      elements.forEach((element, ordinal) => {
        for (const part of group.parts) {
          const values = evalFhirPathTyped(part.expression, [element], variables);
          if (values.length === 0) continue;
          const tableRows = rows.get(part.index) ?? [];
          for (const row of part.index.extract(values, this.ctx)) {
            tableRows.push(group.elements ? [part.code, ...row, ordinal] : [part.code, ...row]);
          }
          rows.set(part.index, tableRows);
        }
      });
    }
  }
}

function compileElements(path: string, resourceType: string): (input: TypedValue[]) => TypedValue[] {
  const simple = compileSimplePath(path, resourceType);
  if (simple) {
    return (input) => simple(input[0].value as Resource);
  }
  const parsed = parseFhirPath(path);
  return (input) => evalFhirPathTyped(parsed, input);
}

/** FHIRPath's System types that R4 composite components name in `as()`, as the FHIR types they stand for. */
const SYSTEM_TO_FHIR: Readonly<Record<string, string>> = {
  Boolean: 'boolean',
  String: 'string',
  Integer: 'integer',
  Decimal: 'decimal',
  Date: 'date',
  DateTime: 'dateTime',
  Time: 'time',
};

/**
 * `x.as(T)` as `x.ofType(T)`: FHIRPath defines both to keep only items of type T, but @medplum/core
 * 4.5's `as()` function returns its input unfiltered, so `value.as(CodeableConcept)` would index a
 * valueString as a token. R4 components also write System type names (`as(DateTime)`), which
 * ofType matches only under their FHIR name (`dateTime`).
 */
export function withTypeFilters(expression: string): string {
  return expression.replace(/\.as\(\s*([A-Za-z.]+)\s*\)/g, (_, type: string) => `.ofType(${SYSTEM_TO_FHIR[type] ?? type})`);
}
