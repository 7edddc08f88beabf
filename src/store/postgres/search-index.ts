import { InvalidSearchError, parameterKey, type IndexedParameter, type ReindexOptions, type ReindexResult, type SearchIndex } from '../repository';
import type { Db } from './driver/db';
import { planIndexing } from './indexing/build-indexing';
import type { CompositeBranch, QueryContext } from './indexing/index-type';
import { Indexer } from './indexing/indexer';
import { definitionOf, hashOf, recordParameters, type ParameterDefinition } from './parameter-state';
import { runReindex } from './reindex';

/**
 * The parameters the store indexes, and which of them have complete rows. Every query finds a
 * parameter's rows through `ctx.storedCodes`, so refusing an incomplete parameter there covers
 * filters, sorts, :missing and parameters reached through chains alike.
 */
export class PostgresSearchIndex implements SearchIndex {
  readonly ctx: QueryContext;
  readonly indexer: Indexer;
  /** Parameter key -> the codes whose rows answer it (see stored-as.ts). */
  private aliases = new Map<string, string[]>();
  /** Parameter key -> how a composite parameter is answered (see composite-plan.ts). */
  private composites = new Map<string, CompositeBranch[]>();
  /** The parameters with rows of their own, as recorded in search_param_state. */
  private own: ParameterDefinition[] = [];
  private fingerprint = '';
  private parameters: readonly IndexedParameter[] = [];
  private ownParameters: IndexedParameter[] = [];
  /** Keys of parameters with rows of their own that are not complete. */
  private incompleteOwn: ReadonlySet<string> = new Set();

  constructor(
    private readonly db: Db,
    parameters: readonly IndexedParameter[],
    baseUrl: string,
  ) {
    this.ctx = {
      baseUrl,
      storedCodes: (type, code) => this.storedCodes(type, code),
      compositeBranches: (type, code) => this.compositeBranches(type, code),
    };
    this.indexer = new Indexer([], this.ctx);
    this.use(parameters);
  }

  async configure(parameters: readonly IndexedParameter[], assumeComplete: (param: IndexedParameter) => boolean): Promise<ReadonlySet<string>> {
    const own = this.use(parameters);
    this.incompleteOwn = await recordParameters(this.db, own, this.own, assumeComplete);
    return this.incomplete();
  }

  async reindex(options?: ReindexOptions): Promise<ReindexResult> {
    const result = await runReindex(this.db, this.indexer, this.own, options);
    const completed = new Set(result.completed);
    this.incompleteOwn = new Set([...this.incompleteOwn].filter((key) => !completed.has(key)));
    return result;
  }

  /** Switches the indexer to `parameters` (unless they are the ones in use) and returns those with rows of their own. */
  private use(parameters: readonly IndexedParameter[]): IndexedParameter[] {
    if (parameters === this.parameters) return this.ownParameters;
    const { aliases, stored: own, composites } = planIndexing(parameters);
    const definitions = own.map(definitionOf);
    // How queries read the rows is cheap to replace, and always is (a composite can change its
    // components without changing what is extracted); recompiling the indexer is not, so it waits
    // for a change in what is extracted.
    this.aliases = aliases;
    this.composites = composites.branches;
    this.own = definitions;
    const fingerprint = hashOf([definitions, composites.elementwise]);
    if (fingerprint !== this.fingerprint) {
      this.indexer.use(own, composites.elementwise);
      this.fingerprint = fingerprint;
    }
    this.parameters = parameters;
    this.ownParameters = own;
    return own;
  }

  /** Incomplete keys, including parameters answered from the rows of an incomplete part. */
  private incomplete(): Set<string> {
    const keys = new Set(this.incompleteOwn);
    for (const [key, codes] of this.aliases) {
      const type = key.slice(0, key.indexOf('.'));
      if (codes.some((code) => this.incompleteOwn.has(parameterKey(type, code)))) keys.add(key);
    }
    for (const [key, branches] of this.composites) {
      if (this.incompleteParts(key.slice(0, key.indexOf('.')), branches)) keys.add(key);
    }
    return keys;
  }

  /** A composite is searched over its parts' rows, so it is complete when they are. */
  private compositeBranches(resourceType: string, code: string): CompositeBranch[] | undefined {
    const branches = this.composites.get(parameterKey(resourceType, code));
    if (branches && this.incompleteParts(resourceType, branches)) throw notSearchableYet(resourceType, code);
    return branches;
  }

  private incompleteParts(resourceType: string, branches: readonly CompositeBranch[]): boolean {
    return branches.some((branch) => branch.parts.some((part) => this.incompleteOwn.has(parameterKey(resourceType, part.code))));
  }

  private storedCodes(resourceType: string, code: string): string[] {
    const key = parameterKey(resourceType, code);
    const codes = this.aliases.get(key) ?? [code];
    if (codes.some((c) => this.incompleteOwn.has(parameterKey(resourceType, c)))) {
      throw notSearchableYet(resourceType, code);
    }
    return codes;
  }
}

function notSearchableYet(resourceType: string, code: string): InvalidSearchError {
  return new InvalidSearchError(
    `Search parameter "${code}" of ${resourceType} cannot be searched yet: resources stored before it was defined or changed ` +
      'have no index rows for it. An administrator must rebuild the index (npm run reindex, or POST [base]/$reindex).',
  );
}
