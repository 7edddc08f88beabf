import type { IndexedParameter } from '../../repository';
import { planComposites } from './composite-plan';
import type { QueryContext } from './index-type';
import { Indexer } from './indexer';
import { aliasKey, unionAliases } from './stored-as';

/**
 * How the parameters are stored, decided once: which are answered from other parameters' rows
 * (union aliases, composites), what the indexer extracts, and the context queries read it from.
 */
export function buildIndexing(parameters: readonly IndexedParameter[], baseUrl: string): { ctx: QueryContext; indexer: Indexer } {
  const aliases = unionAliases(parameters);
  const stored = parameters.filter((p) => p.type !== 'composite' && !aliases.has(aliasKey(p.resourceType, p.code)));
  const composites = planComposites(parameters, stored);
  const ctx: QueryContext = {
    baseUrl,
    storedCodes: (type, code) => aliases.get(aliasKey(type, code)) ?? [code],
    compositeBranches: (type, code) => composites.branches.get(aliasKey(type, code)),
  };
  return { ctx, indexer: new Indexer(stored, ctx, composites.elementwise) };
}
