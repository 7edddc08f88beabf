import type { IndexedParameter } from '../../repository';
import { branchesFor } from './indexer';

/**
 * Parameters whose values are exactly those of other parameters together, so they need no index
 * rows of their own: R4's Observation `combo-code` is `code | component-code`, `combo-value-quantity`
 * is `value-quantity | component-value-quantity`. Such a parameter is searched over its parts' rows
 * instead, which spares a third to a half of an Observation's index rows at every write.
 *
 * A parameter qualifies when its union branches are exactly the union of the branch sets of other
 * parameters of the same resource type and search type, each of which is wholly contained in it.
 * Returns "Type.code" -> the codes whose rows answer it.
 */
export function unionAliases(parameters: readonly IndexedParameter[]): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  const branches = new Map(parameters.map((p) => [p, new Set(branchesFor(p.expression, p.resourceType).map(normalize))]));
  for (const param of parameters) {
    const own = branches.get(param) as Set<string>;
    if (own.size < 2) continue;
    const parts = parameters.filter((other) => {
      const theirs = branches.get(other) as Set<string>;
      return other !== param && other.resourceType === param.resourceType && other.type === param.type
        && theirs.size > 0 && theirs.size < own.size && [...theirs].every((b) => own.has(b));
    });
    const covered = new Set(parts.flatMap((p) => [...(branches.get(p) as Set<string>)]));
    if (covered.size === own.size) {
      aliases.set(`${param.resourceType}.${param.code}`, parts.map((p) => p.code));
    }
  }
  return aliases;
}

function normalize(branch: string): string {
  return branch.replace(/\s+/g, '').replace(/^\((.*)\)$/, '$1');
}
