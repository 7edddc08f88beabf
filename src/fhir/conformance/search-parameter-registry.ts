import type { SearchParameter } from '@medplum/fhirtypes';
import type { CompositeComponent, IndexedParameter, SearchParamType } from '../../store/repository';

/** Parameters answered from the resource row itself rather than from index tables. */
export const RESOURCE_LEVEL = new Set(['_id', '_lastUpdated']);

/**
 * Every search parameter the server answers, per resource type. Built once from the R4 definitions
 * (and the project's SearchParameter resources), keeping only the types the store can index, so
 * the query parser, the indexer and the CapabilityStatement all read the same list.
 */
export class SearchParameterRegistry {
  private readonly byType = new Map<string, Map<string, IndexedParameter>>();
  private readonly definitions = new Map<string, SearchParameter>();

  constructor(
    definitions: readonly SearchParameter[],
    resourceTypes: readonly string[],
    searchableTypes: readonly SearchParamType[],
  ) {
    const searchable = new Set<string>(searchableTypes);
    for (const definition of definitions) {
      if (!definition.expression || !searchable.has(definition.type as string)) {
        continue;
      }
      for (const base of expandBase(definition.base as string[], resourceTypes)) {
        const params = this.byType.get(base) ?? new Map<string, IndexedParameter>();
        params.set(definition.code as string, {
          resourceType: base,
          code: definition.code as string,
          type: definition.type as SearchParamType,
          expression: definition.expression,
          targets: definition.target,
        });
        this.byType.set(base, params);
        this.definitions.set(`${base}.${definition.code}`, definition);
      }
    }
    this.resolveComposites(definitions);
  }

  get(resourceType: string, code: string): IndexedParameter | undefined {
    return this.byType.get(resourceType)?.get(code);
  }

  forType(resourceType: string): IndexedParameter[] {
    return [...(this.byType.get(resourceType)?.values() ?? [])];
  }

  /** Parameters whose values go into index tables (all but the resource-level ones). */
  indexed(): IndexedParameter[] {
    return [...this.byType.values()].flatMap((m) => [...m.values()]).filter((p) => !RESOURCE_LEVEL.has(p.code));
  }

  definitionOf(param: IndexedParameter): SearchParameter | undefined {
    return this.definitions.get(`${param.resourceType}.${param.code}`);
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

function expandBase(base: string[], resourceTypes: readonly string[]): string[] {
  if (base.includes('Resource') || base.includes('DomainResource')) {
    return [...resourceTypes];
  }
  return base.filter((b) => resourceTypes.includes(b));
}
