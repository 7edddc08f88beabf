import type { Resource, SearchParameter } from '@medplum/fhirtypes';
import type { ReindexOptions, ReindexResult, Repository, ResourceWriter, StoredVersion } from '../../store/repository';
import { reloadEvery, reloadingRepository } from './reloading';
import { searchAll } from './search-all';
import { issue, OperationOutcomeError, outcomeOf } from '../outcomes';
import { isServerOwned } from './conformance-store';
import { ProfileFileError } from './profile-files';
import type { SearchParameterRegistry } from './search-parameter-registry';
import { searchParameterProblems, type ValidationScope } from './search-parameter-validation';

export interface SearchParameterLoadReport {
  /** Stored SearchParameters left out, each with the reason. */
  skipped: string[];
  /** Parameters (Type.code) that cannot be searched until a reindex has run. */
  incomplete: string[];
}


/**
 * Where the server's search parameters come from: the R4 core definitions, the project's
 * SearchParameter resources in profiles/ (read-only at run time), and SearchParameter resources
 * that clients store. `load()` brings the registry and the store's index in line with them; every
 * write of a SearchParameter through `watch()` is validated first and loaded once committed.
 *
 * A new or changed definition is used for new writes at once, but its index rows are complete only
 * after a reindex (unless no resource of its base exists yet); until then, searching by it is
 * refused and the CapabilityStatement leaves it out. HAPI too indexes new writes at once, but then
 * reindexes in the background and answers searches from the rows that exist meanwhile; Stroma
 * refuses instead, as Microsoft's FHIR server does, so that a search never returns a partial
 * answer without saying so.
 */
export class SearchParameterDefinitions {
  /** Base.code -> canonical URL of the definition holding the code: core and profiles. */
  private readonly fixedClaims = new Map<string, string>();
  private readonly fixedUrls = new Set<string>();
  /** Fixed claims plus the accepted stored definitions'. */
  private claims = new Map<string, string>();
  /** Canonical URL -> id of the stored SearchParameter that defines it. */
  private storedIds = new Map<string, string>();
  private storedFingerprint: string | undefined;
  private skipped: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: SearchParameterRegistry,
    private readonly scope: Omit<ValidationScope, 'holderOf' | 'definesUrl'>,
    core: readonly SearchParameter[],
    private readonly profiles: readonly SearchParameter[],
  ) {
    for (const definition of core) this.fix(definition);
    // Registered before they are checked, so that an also-via chain may pass through another profile's parameter.
    registry.useCustom(profiles);
    for (const definition of profiles) {
      const problems = searchParameterProblems(definition, this.scopeOver(this.fixedClaims, true));
      if (this.fixedUrls.has(definition.url as string)) problems.push(issue('error', 'duplicate', `${definition.url} is defined twice`));
      if (problems.length > 0) {
        throw new ProfileFileError(`profiles: SearchParameter ${definition.url ?? definition.id}: ${problems.map((p) => p.diagnostics).join('; ')}`);
      }
      this.fix(definition);
    }
    this.claims = new Map(this.fixedClaims);
  }

  /** Reads the stored definitions and brings the registry and the index in line; calls run one at a time. */
  load(repo: Repository): Promise<SearchParameterLoadReport> {
    const run = this.queue.then(() => this.loadNow(repo));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Rebuilds the index rows of stored resources; the parameters it completed become searchable.
   * Also says which parameters still cannot be searched (of types the run did not cover, or changed meanwhile).
   */
  async reindex(repo: Repository, options?: ReindexOptions): Promise<ReindexResult & { incomplete: string[] }> {
    const result = await repo.searchIndex.reindex(options);
    const { incomplete } = await this.load(repo);
    return { ...result, incomplete };
  }

  /** Throws a 400 OperationOutcome if the server cannot store `definition` as a search parameter. */
  validate(definition: SearchParameter): void {
    const problems = searchParameterProblems(definition, this.scopeOver(this.claims, true));
    const url = definition.url as string;
    if (this.fixedUrls.has(url)) {
      problems.push(issue('error', 'business-rule', `${url} is defined by the server (R4 or profiles/) and cannot be redefined`, 'SearchParameter.url'));
    }
    const owner = this.storedIds.get(url);
    if (owner !== undefined && owner !== definition.id) {
      problems.push(issue('error', 'duplicate', `${url} is already defined by SearchParameter/${owner}`, 'SearchParameter.url'));
    }
    if (problems.length > 0) {
      throw new OperationOutcomeError('invalid', outcomeOf(...problems));
    }
  }

  /**
   * The repository as handlers should use it: SearchParameter writes are validated before they are
   * stored, and once their transaction has committed the definitions are loaded again.
   */
  watch(repo: Repository): Repository {
    return reloadingRepository(repo, this);
  }

  /** Loads again every `intervalMs`, so that changes made by other server processes or the CLI arrive. */
  startRefresh(repo: Repository, intervalMs: number, onError: (error: unknown) => void): () => void {
    return reloadEvery(repo, this, intervalMs, onError);
  }

  /** Part of ReloadedDefinitions: used by watch(). */
  guard(tx: ResourceWriter, touched: () => void): ResourceWriter {
    const write = (resource: Resource, method: Parameters<ResourceWriter['write']>[1], previous?: StoredVersion) => {
      if (resource.resourceType === 'SearchParameter') {
        this.validate(resource);
        touched();
      }
      return tx.write(resource, method, previous);
    };
    const remove = (previous: StoredVersion) => {
      if (previous.resourceType === 'SearchParameter') touched();
      return tx.remove(previous);
    };
    return Object.assign(Object.create(tx) as ResourceWriter, { write, remove });
  }

  private async loadNow(repo: Repository): Promise<SearchParameterLoadReport> {
    const stored = await readStored(repo);
    const fingerprint = stored.map((s) => `${s.id}@${s.meta?.versionId}`).join(',');
    if (fingerprint !== this.storedFingerprint) {
      this.accept(stored);
      this.storedFingerprint = fingerprint;
    }
    const incomplete = await repo.searchIndex.configure(this.registry.indexed(), (p) => this.registry.isCore(p));
    this.registry.setIncomplete(incomplete);
    return { skipped: this.skipped, incomplete: [...incomplete].sort() };
  }

  /** Takes the stored definitions that are still valid (a profile may since have taken a code). */
  private accept(stored: SearchParameter[]): void {
    const claims = new Map(this.fixedClaims);
    const storedIds = new Map<string, string>();
    const accepted: SearchParameter[] = [];
    this.skipped = [];
    for (const definition of stored) {
      const problems = searchParameterProblems(definition, this.scopeOver(claims));
      if (this.fixedUrls.has(definition.url as string) || storedIds.has(definition.url as string)) {
        problems.push(issue('error', 'duplicate', `${definition.url} is defined elsewhere`));
      }
      if (problems.length > 0) {
        this.skipped.push(`SearchParameter/${definition.id}: ${problems.map((p) => p.diagnostics).join('; ')}`);
        continue;
      }
      storedIds.set(definition.url as string, definition.id as string);
      if (definition.status === 'active') {
        this.claim(claims, definition);
        accepted.push(definition);
      }
    }
    this.registry.useCustom([...this.profiles, ...accepted]);
    this.claims = claims;
    this.storedIds = storedIds;
  }

  /** A definition the server ships: its URL and codes cannot be taken by stored definitions. */
  private fix(definition: SearchParameter): void {
    this.fixedUrls.add(definition.url as string);
    this.claim(this.fixedClaims, definition);
  }

  private claim(claims: Map<string, string>, definition: SearchParameter): void {
    for (const base of this.registry.basesOf(definition)) claims.set(`${base}.${definition.code}`, definition.url as string);
  }

  /** What a definition is checked against; `followChains` checks also-via chains against the registry as it is. */
  private scopeOver(claims: ReadonlyMap<string, string>, followChains = false): ValidationScope {
    return {
      ...this.scope,
      links: followChains ? { resourceTypes: this.scope.resourceTypes, searchParameters: this.registry } : undefined,
      holderOf: (base, code) => {
        const bases = base === 'Resource' || base === 'DomainResource' ? [...this.scope.resourceTypes] : [base];
        return bases.map((b) => claims.get(`${b}.${code}`)).find((url) => url !== undefined);
      },
      definesUrl: (base, url) => [...claims].some(([key, held]) => held === url && key.startsWith(`${base}.`)),
    };
  }
}

/**
 * Every stored SearchParameter, in the order they were first stored, but the server's copies of
 * the profiles/ ones (conformance-store.ts): those are the fixed definitions already.
 */
async function readStored(repo: Repository): Promise<SearchParameter[]> {
  const all = await searchAll<SearchParameter>(repo, { resourceType: 'SearchParameter', filters: [] });
  return all.filter((definition) => !isServerOwned(definition));
}
