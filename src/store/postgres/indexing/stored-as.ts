import { parameterKey, type IndexedParameter } from '../../repository';
import { branchesFor } from './indexer';

/**
 * Parameters whose values are exactly those of other parameters together, so they need no index
 * rows of their own: R4's Observation `combo-code` is `code | component-code`, `combo-value-quantity`
 * is `value-quantity | component-value-quantity`. Such a parameter is searched over its parts' rows
 * instead, which spares a third to a half of an Observation's index rows at every write.
 *
 * A parameter qualifies when its union branches are exactly the union of the branch sets of other
 * parameters of the same resource type and search type, each of which is wholly contained in it.
 * Returns parameterKey(parameter) -> the codes whose rows answer it.
 */
export function unionAliases(parameters: readonly IndexedParameter[]): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  // Composites are unions of tuples, not of values: see composite-plan.ts.
  const valued = parameters.filter((p) => p.type !== 'composite');
  for (const group of groupBy(valued, (p) => `${p.resourceType} ${p.type}`)) {
    const branches = new Map(group.map((p) => [p, new Set(branchesFor(p.expression, p.resourceType).map(normalize))]));
    for (const [param, own] of branches) {
      if (own.size < 2) continue;
      const parts = [...branches].filter(
        ([other, theirs]) => other !== param && theirs.size > 0 && theirs.size < own.size && [...theirs].every((b) => own.has(b)),
      );
      const covered = new Set(parts.flatMap(([, theirs]) => [...theirs]));
      if (covered.size === own.size) {
        aliases.set(parameterKey(param.resourceType, param.code), parts.map(([other]) => other.code));
      }
    }
  }
  return aliases;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups.values()];
}

function normalize(branch: string): string {
  return branch.replace(/\s+/g, '').replace(/^\((.*)\)$/, '$1');
}
