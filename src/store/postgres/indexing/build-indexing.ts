import { parameterKey, type IndexedParameter } from '../../repository';
import { planComposites, type CompositePlan } from './composite-plan';
import type { QueryContext } from './index-type';
import { Indexer } from './indexer';
import { unionAliases } from './stored-as';

/** How a set of parameters is stored. */
export interface IndexingPlan {
  /** parameterKey(parameter) -> the codes whose rows answer it (see stored-as.ts). */
  aliases: Map<string, string[]>;
  /** The parameters with index rows of their own: not union aliases, not composites. */
  stored: IndexedParameter[];
  composites: CompositePlan;
}

/**
 * Which parameters are answered from other parameters' rows (union aliases, composites) and which
 * the indexer extracts, decided once per set of parameters.
 */
export function planIndexing(parameters: readonly IndexedParameter[]): IndexingPlan {
  const aliases = unionAliases(parameters);
  const stored = parameters.filter((p) => p.type !== 'composite' && !aliases.has(parameterKey(p.resourceType, p.code)));
  return { aliases, stored, composites: planComposites(parameters, stored) };
}

/** An indexer and query context for a fixed set of parameters (the store's is PostgresSearchIndex). */
export function buildIndexing(parameters: readonly IndexedParameter[], baseUrl: string): { ctx: QueryContext; indexer: Indexer } {
  const { aliases, stored, composites } = planIndexing(parameters);
  const ctx: QueryContext = {
    baseUrl,
    storedCodes: (type, code) => aliases.get(parameterKey(type, code)) ?? [code],
    compositeBranches: (type, code) => composites.branches.get(parameterKey(type, code)),
  };
  return { ctx, indexer: new Indexer(stored, ctx, composites.elementwise) };
}
