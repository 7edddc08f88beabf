import type { IndexedParameter } from '../../repository';
import type { ElementwiseParameter } from './elementwise';
import type { CompositeBranch } from './index-type';
import { INDEX_TYPES } from './index';
import { parameterKey } from '../../repository';
import { branchesFor } from './indexer';

export interface CompositePlan {
  /** parameterKey(composite) -> one branch per union branch of its expression. */
  branches: Map<string, CompositeBranch[]>;
  /** What the indexer must extract element by element. */
  elementwise: ElementwiseParameter[];
}

/**
 * How each composite parameter is stored, without doubling index rows where it can be helped.
 *
 * A composite's expression yields elements (`Observation`, `Observation.component`); each component
 * is a path relative to one element. Most R4 components are exactly another parameter seen from
 * the element: `code-value-quantity` is `code` and `value-quantity` on the Observation itself, and
 * `component-code-value-quantity` is `component-code` and `component-value-quantity` on each
 * component. Such a component is answered from that parameter's own rows: for the resource itself
 * as they are, for repeated elements with each row tagged by its element's ordinal (`tuple`). Only
 * components no parameter equals (R4 `code-value-string`'s `value.as(string)`, which `value-string`
 * widens with CodeableConcept.text) get rows of their own, under `<composite>$<n>`.
 *
 * `stored` are the parameters that have index rows (not union aliases, see stored-as.ts).
 */
export function planComposites(parameters: readonly IndexedParameter[], stored: readonly IndexedParameter[]): CompositePlan {
  const plan: CompositePlan = { branches: new Map(), elementwise: [] };
  const candidates = new SharedCandidates(stored);
  for (const composite of parameters) {
    const components = composite.components;
    if (composite.type !== 'composite' || !components) continue;
    const elements = branchesFor(composite.expression, composite.resourceType);
    const branches = elements.map((element, e): CompositeBranch => {
      const root = normalizePath(element) === composite.resourceType;
      const parts = components.map((component, c) => {
        const shared = candidates.claim(composite.resourceType, component.param.type, root ? undefined : element, component.expression);
        if (shared) {
          if (shared.firstClaim && !root) {
            plan.elementwise.push({ resourceType: composite.resourceType, code: shared.code, type: component.param.type, element, expression: component.expression });
          }
          return { code: shared.code, param: component.param };
        }
        const code = elements.length === 1 ? `${composite.code}$${c + 1}` : `${composite.code}$${c + 1}.${e + 1}`;
        const own = { resourceType: composite.resourceType, code, type: component.param.type, expression: component.expression };
        plan.elementwise.push(root ? own : { ...own, element });
        return { code, param: component.param };
      });
      return { tupled: !root, parts };
    });
    plan.branches.set(parameterKey(composite.resourceType, composite.code), branches);
  }
  return plan;
}

/** The stored parameters by resource and search type, with their normalized branches and how composites use them. */
class SharedCandidates {
  private readonly byType = new Map<string, { param: IndexedParameter; branches: Set<string> }[]>();
  /** parameterKey(stored) -> the element path it is extracted per; null when used on the resource itself. */
  private readonly usage = new Map<string, string | null>();

  constructor(stored: readonly IndexedParameter[]) {
    for (const param of stored) {
      const key = `${param.resourceType} ${param.type}`;
      this.byType.set(key, [...(this.byType.get(key) ?? []), { param, branches: indexedBranches(param) }]);
    }
  }

  /**
   * The stored parameter whose values are exactly the component's seen from `element` (undefined:
   * the resource itself), if it is free to be used that way: a parameter is extracted per one
   * element path at most, and one the resource itself uses untagged cannot be tagged.
   */
  claim(resourceType: string, type: string, element: string | undefined, component: string): { code: string; firstClaim: boolean } | undefined {
    const relative = branchesFor(component, resourceType);
    if (relative.some((b) => b.includes('%'))) return undefined;
    const base = normalizePath(element ?? resourceType);
    const wanted = new Set(relative.map((b) => `${base}.${normalizePath(b)}`));
    const use = element ?? null;
    const found = (this.byType.get(`${resourceType} ${type}`) ?? []).find(({ param, branches }) => {
      const used = this.usage.get(parameterKey(resourceType, param.code));
      return (used === undefined || used === use) && branches.size === wanted.size && [...branches].every((b) => wanted.has(b));
    });
    if (!found) return undefined;
    const key = parameterKey(resourceType, found.param.code);
    const firstClaim = !this.usage.has(key);
    this.usage.set(key, use);
    return { code: found.param.code, firstClaim };
  }
}

/** A parameter's branches, less those that yield only types its index makes no rows from. */
function indexedBranches(param: IndexedParameter): Set<string> {
  const unindexed = INDEX_TYPES[param.type]?.unindexedTypes ?? [];
  const branches = branchesFor(param.expression, param.resourceType).map(normalizePath);
  return new Set(branches.filter((b) => !unindexed.some((t) => b.endsWith(`.as(${t})`))));
}

/**
 * One spelling for equal paths: `(Observation.value as Quantity)`, `Observation.value.as(Quantity)`
 * and `Observation.value.ofType(quantity)` all become `Observation.value.as(quantity)`. Type names
 * are compared in lower case, since R4 writes `as(DateTime)` in components and `as dateTime` in
 * parameters.
 */
export function normalizePath(path: string): string {
  let p = path.replace(/\s+/g, ' ').trim();
  const wrapped = /^\((.*)\)$/.exec(p);
  if (wrapped && balanced(wrapped[1])) p = wrapped[1].trim();
  p = p.replace(/^\((.+?) as ([A-Za-z.]+)\)/, '$1.as($2)').replace(/^(.+?) as ([A-Za-z.]+)$/, '$1.as($2)');
  return p.replace(/\s+/g, '').replace(/\.(?:as|ofType)\(([A-Za-z.]+)\)/g, (_, type: string) => `.as(${type.toLowerCase()})`);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}
