import type { SearchParameter } from '@medplum/fhirtypes';
import { parameterKey, type CompositeComponent, type IndexedParameter, type SearchParamType } from '../../store/repository';
import { alsoViaChains } from './also-via';

/** Parameters answered from the resource row itself rather than from index tables. */
export const RESOURCE_LEVEL = new Set(['_id', '_lastUpdated']);

/**
 * Every search parameter the server answers, per resource type: the R4 core definitions and the
 * project's own (SearchParameter resources from profiles/ and from the store), keeping only the
 * types the store can index, so the query parser, the indexer and the CapabilityStatement all read
 * the same list. The project's definitions can be replaced while the server runs.
 */
export class SearchParameterRegistry {
  private byType = new Map<string, Map<string, IndexedParameter>>();
  private definitions = new Map<string, SearchParameter>();
  private readonly coreKeys = new Set<string>();
  private incomplete: ReadonlySet<string> = new Set();
  private indexedCache?: IndexedParameter[];
  private readonly searchable: ReadonlySet<string>;
  /** Types searched by a store of their own that answers only these codes (see restrict). */
  private readonly restricted = new Map<string, ReadonlySet<string>>();
  private custom: readonly SearchParameter[] = [];
  /** Bumped at every change, so what is derived from the registry knows when to build again. */
  version = 0;

  constructor(
    private readonly core: readonly SearchParameter[],
    private readonly resourceTypes: readonly string[],
    searchableTypes: readonly SearchParamType[],
  ) {
    this.searchable = new Set<string>(searchableTypes);
    this.useCustom([]);
    for (const key of this.definitions.keys()) this.coreKeys.add(key);
  }

  /**
   * Replaces the project's definitions. Only active ones with an expression and a type the store
   * indexes take part (HAPI also uses only active SearchParameters). A project definition may not
   * take a code that an earlier definition holds on the same base; callers validate that first.
   */
  useCustom(custom: readonly SearchParameter[]): void {
    this.custom = custom;
    this.byType = new Map();
    this.definitions = new Map();
    this.indexedCache = undefined;
    for (const definition of this.core) this.add(definition);
    const active = custom.filter((definition) => definition.status === 'active');
    for (const definition of active) this.add(definition);
    this.resolveComposites([...this.core, ...active]);
    this.version++;
  }

  /**
   * Keeps only `codes` of `resourceType` (besides _id and _lastUpdated): for a type whose resources
   * live in a store of their own that answers fewer parameters (the audit log), so the parser
   * refuses the others and the CapabilityStatement lists only what is answered.
   */
  restrict(resourceType: string, codes: ReadonlySet<string>): void {
    this.restricted.set(resourceType, codes);
    this.useCustom(this.custom);
  }

  /** Whether `resourceType` is searched by a store of its own (restrict): a system-level search leaves it out. */
  isRestricted(resourceType: string): boolean {
    return this.restricted.has(resourceType);
  }

  /** The parameters (by parameterKey) whose index is not complete yet; they are not advertised. */
  setIncomplete(keys: ReadonlySet<string>): void {
    if (keys.size === this.incomplete.size && [...keys].every((k) => this.incomplete.has(k))) return;
    this.incomplete = keys;
    this.version++;
  }

  get(resourceType: string, code: string): IndexedParameter | undefined {
    return this.byType.get(resourceType)?.get(code);
  }

  forType(resourceType: string): IndexedParameter[] {
    return [...(this.byType.get(resourceType)?.values() ?? [])];
  }

  /** The parameters of a type that searches can use now: those with a complete index. */
  searchableFor(resourceType: string): IndexedParameter[] {
    return this.forType(resourceType).filter((p) => !this.incomplete.has(parameterKey(p.resourceType, p.code)));
  }

  /**
   * Parameters whose values go into index tables (all but the resource-level ones): the same array
   * until the definitions change, so the store can tell at a glance that nothing changed.
   */
  indexed(): readonly IndexedParameter[] {
    this.indexedCache ??= [...this.byType.values()].flatMap((m) => [...m.values()]).filter((p) => !RESOURCE_LEVEL.has(p.code));
    return this.indexedCache;
  }

  definitionOf(param: IndexedParameter): SearchParameter | undefined {
    return this.definitions.get(parameterKey(param.resourceType, param.code));
  }

  /**
   * The chains through which a parameter also matches (its definition's also-via extensions, see
   * also-via.ts). They are no part of the IndexedParameter: the index rows do not depend on them,
   * so adding or changing one needs no reindex.
   */
  alsoVia(param: IndexedParameter): string[] {
    return alsoViaChains(this.definitionOf(param));
  }

  /** True for the R4 core parameters, which the server has indexed at every write since it began. */
  isCore(param: IndexedParameter): boolean {
    return this.coreKeys.has(parameterKey(param.resourceType, param.code));
  }

  /** The bases (resource types) a definition applies to on this server. */
  basesOf(definition: SearchParameter): string[] {
    const base = (definition.base ?? []) as string[];
    if (base.includes('Resource') || base.includes('DomainResource')) {
      return [...this.resourceTypes];
    }
    return base.filter((b) => this.resourceTypes.includes(b));
  }

  private add(definition: SearchParameter): void {
    if (!definition.expression || !this.searchable.has(definition.type as string)) {
      return;
    }
    for (const base of this.basesOf(definition)) {
      const allowed = this.restricted.get(base);
      if (allowed && !allowed.has(definition.code as string) && !RESOURCE_LEVEL.has(definition.code as string)) continue;
      const params = this.byType.get(base) ?? new Map<string, IndexedParameter>();
      params.set(definition.code as string, {
        resourceType: base,
        code: definition.code as string,
        type: definition.type as SearchParamType,
        expression: definition.expression,
        targets: definition.target,
      });
      this.byType.set(base, params);
      this.definitions.set(parameterKey(base, definition.code as string), definition);
    }
  }

  /**
   * Links each composite to the parameters its components are searched as (by their definition
   * URL). A composite with a component the server cannot search is not offered at all, so the
   * CapabilityStatement never lists a composite that would fail.
   */
  private resolveComposites(definitions: readonly SearchParameter[]): void {
    const byUrl = new Map(definitions.filter((d) => d.url).map((d) => [d.url as string, d]));
    for (const [base, params] of this.byType) {
      for (const param of [...params.values()].filter((p) => p.type === 'composite')) {
        const components = (this.definitionOf(param)?.component ?? []).map((c): CompositeComponent | undefined => {
          const target = byUrl.get(c.definition ?? '');
          const resolved = target?.code ? params.get(target.code) : undefined;
          const usable = resolved && resolved.type !== 'composite' && this.definitionOf(resolved) === target && c.expression;
          return usable ? { param: resolved, expression: c.expression as string } : undefined;
        });
        if (components.length >= 2 && components.every((c) => c !== undefined)) {
          param.components = definitionsInOrder(components as CompositeComponent[]);
        } else {
          params.delete(param.code);
          this.definitions.delete(`${base}.${param.code}`);
        }
      }
    }
  }
}

/**
 * R4 lists DocumentReference `relationship`'s two component definitions the wrong way round (its
 * `code` component points at `relatesto`, a reference; microsoft/fhir-server#901 fixes it by hand).
 * When neither component's path ends its own parameter's expression but each ends the other's,
 * the definitions are swapped back; the values keep the order of the paths.
 */
function definitionsInOrder(components: CompositeComponent[]): CompositeComponent[] {
  const fits = (param: IndexedParameter, path: string) => param.expression.split('|').some((branch) => branch.trim().endsWith(`.${path.trim()}`));
  const [a, b] = components;
  const swapped = components.length === 2 && !fits(a.param, a.expression) && !fits(b.param, b.expression) && fits(b.param, a.expression) && fits(a.param, b.expression);
  return swapped ? [{ param: b.param, expression: a.expression }, { param: a.param, expression: b.expression }] : components;
}
