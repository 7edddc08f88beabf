import { evalFhirPathTyped, parseFhirPath, toTypedValue, type FhirPathAtom, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { IndexedParameter } from '../../repository';
import { ElementwiseIndexer, type ElementwiseParameter, type IndexRows } from './elementwise';
import type { IndexType, QueryContext } from './index-type';
import { compileExtensionPath } from './extension-path';
import { compileSimplePath } from './simple-path';
import { INDEX_TYPES } from './index';

export type { IndexRows } from './elementwise';

interface CompiledBranch {
  /** Property access for plain dotted paths, else the parsed FHIRPath. */
  evaluate: (input: TypedValue[]) => TypedValue[];
  /** From a trailing `.where(resolve() is Type)`: keep only references to this type. */
  targetType?: string;
}

interface CompiledParameter {
  code: string;
  index: IndexType;
  branches: CompiledBranch[];
}

const RESOLVE_IS = /^(.*)\.where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/;
const REFERENCE_TYPE = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[^/]+)?$/;

/**
 * Extracts the search index rows of a resource. Each parameter's FHIRPath is parsed once, keeping
 * only the union branches that apply to the resource type (R4 shares one expression across types).
 * Parameters that composites need element by element (see composite-plan.ts) are extracted that
 * way instead, which yields the same rows, each tagged with its element.
 */
export class Indexer {
  private byType = new Map<string, CompiledParameter[]>();
  private elementwise: ElementwiseIndexer;

  constructor(
    parameters: readonly IndexedParameter[],
    private readonly ctx: QueryContext,
    elementwise: readonly ElementwiseParameter[] = [],
  ) {
    this.elementwise = new ElementwiseIndexer([], ctx);
    this.use(parameters, elementwise);
  }

  /**
   * Extracts these parameters (and these per composite element) from now on. The new set replaces
   * the old one at once, so a write uses either set, never a mix.
   */
  use(parameters: readonly IndexedParameter[], elementwise: readonly ElementwiseParameter[] = []): void {
    const byElement = new Set(elementwise.map((e) => `${e.resourceType}.${e.code}`));
    const byType = new Map<string, CompiledParameter[]>();
    for (const param of parameters) {
      const index = INDEX_TYPES[param.type];
      const branches = branchesFor(param.expression, param.resourceType);
      if (!index || branches.length === 0 || byElement.has(`${param.resourceType}.${param.code}`)) {
        continue;
      }
      const list = byType.get(param.resourceType) ?? [];
      list.push({ code: param.code, index, branches: branches.map((b) => compileBranch(b, param.resourceType)) });
      byType.set(param.resourceType, list);
    }
    this.byType = byType;
    this.elementwise = new ElementwiseIndexer(elementwise, this.ctx);
  }

  rowsFor(resource: Resource): IndexRows {
    const rows: IndexRows = new Map();
    const input = [toTypedValue(resource)];
    for (const param of this.byType.get(resource.resourceType) ?? []) {
      const values = param.branches.flatMap((branch) => evaluate(branch, input));
      if (values.length === 0) {
        continue;
      }
      const tableRows = rows.get(param.index) ?? [];
      for (const row of param.index.extract(values, this.ctx)) {
        tableRows.push([param.code, ...row]);
      }
      rows.set(param.index, tableRows);
    }
    this.elementwise.addRows(resource, input, rows);
    return rows;
  }
}

/** The branches of a top-level union that start with this resource type (or with no type at all). */
export function branchesFor(expression: string, resourceType: string): string[] {
  return splitTopLevelUnion(expression).filter((branch) => {
    const head = /^\(?\s*([A-Z][A-Za-z]+)\b/.exec(branch)?.[1];
    return !head || head === resourceType || head === 'Resource' || head === 'DomainResource';
  });
}

/**
 * R4 narrows many reference parameters with `.where(resolve() is Patient)`. Resolving would need
 * the target; the reference's own type says the same thing, so that filter is applied directly.
 */
function compileBranch(branch: string, resourceType: string): CompiledBranch {
  const narrowed = RESOLVE_IS.exec(branch);
  const path = allExtensions(narrowed ? narrowed[1] : branch);
  const simple = compileSimplePath(path, resourceType) ?? compileExtensionPath(path, resourceType);
  const evaluate = simple ? (input: TypedValue[]) => simple(input[0].value as Resource) : fhirPath(parseFhirPath(path));
  return { evaluate, targetType: narrowed?.[2] };
}

/**
 * FHIRPath's `extension(url)` is a shortcut for `extension.where(url = …)`: every extension with that
 * url. @medplum/core 4.5 returns only the first, so a resource with the same extension twice
 * would be indexed under the first value only; spelled out, the filter keeps them all.
 */
export function allExtensions(expression: string): string {
  return expression.replace(/\bextension\('([^'\\]*)'\)/g, "extension.where(url = '$1')");
}

function fhirPath(expression: FhirPathAtom): (input: TypedValue[]) => TypedValue[] {
  return (input) => evalFhirPathTyped(expression, input);
}

function evaluate(branch: CompiledBranch, input: TypedValue[]): TypedValue[] {
  const values = branch.evaluate(input);
  return branch.targetType ? values.filter((v) => referenceType(v) === branch.targetType) : values;
}

function referenceType({ value }: TypedValue): string | undefined {
  const reference = value as { reference?: string; type?: string } | undefined;
  return reference?.type ?? REFERENCE_TYPE.exec(reference?.reference ?? '')?.[1];
}

function splitTopLevelUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}
