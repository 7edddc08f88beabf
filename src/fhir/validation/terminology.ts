import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude } from '@medplum/fhirtypes';

/** The codes of an expanded value set: by code alone (for `code` elements) and by system|code. */
export interface Expansion {
  codes: ReadonlySet<string>;
  systemCodes: ReadonlySet<string>;
}

/**
 * Expands ValueSets offline from their compose over the CodeSystems it holds, once per value set.
 * A value set that needs a code system it does not have (LOINC, SNOMED CT, UCUM...), a filter other
 * than is-a/descendent-of, or a code system that is not complete cannot be expanded: expand()
 * answers undefined and the binding is not enforced (HL7's Java validator would ask a terminology
 * server there; this server has none).
 */
export class Terminology {
  private readonly valueSets = new Map<string, ValueSet>();
  private readonly codeSystems = new Map<string, CodeSystem>();
  private readonly expansions = new Map<string, Expansion | undefined>();

  add(resource: ValueSet | CodeSystem): void {
    const url = resource.url;
    if (!url) {
      return;
    }
    if (resource.resourceType === 'ValueSet') {
      this.valueSets.set(url, resource);
    } else {
      this.codeSystems.set(url, resource);
    }
    this.expansions.clear();
  }

  /** Forgets the ValueSet and CodeSystem with this URL; value sets that included them expand anew. */
  remove(url: string): void {
    if (this.valueSets.delete(url) || this.codeSystems.delete(url)) {
      this.expansions.clear();
    }
  }

  hasValueSet(url: string): boolean {
    return this.valueSets.has(url);
  }

  expand(url: string): Expansion | undefined {
    if (this.expansions.has(url)) {
      return this.expansions.get(url);
    }
    // Marks the value set as in progress, so a value set importing itself cannot loop.
    this.expansions.set(url, undefined);
    const valueSet = this.valueSets.get(url);
    const pairs = valueSet ? this.expandValueSet(valueSet) : undefined;
    const expansion = pairs && toExpansion(pairs);
    this.expansions.set(url, expansion);
    return expansion;
  }

  private expandValueSet(valueSet: ValueSet): string[] | undefined {
    if (!valueSet.compose) {
      const contains = valueSet.expansion?.contains;
      return contains ? contains.map((c) => `${c.system}|${c.code}`) : undefined;
    }
    const included = new Set<string>();
    for (const include of valueSet.compose.include) {
      const pairs = this.expandInclude(include);
      if (!pairs) {
        return undefined;
      }
      pairs.forEach((p) => included.add(p));
    }
    for (const exclude of valueSet.compose.exclude ?? []) {
      const pairs = this.expandInclude(exclude);
      if (!pairs) {
        return undefined;
      }
      pairs.forEach((p) => included.delete(p));
    }
    return [...included];
  }

  private expandInclude(include: ValueSetComposeInclude): string[] | undefined {
    let pairs = include.system ? this.systemCodes(include) : undefined;
    if (include.system && !pairs) {
      return undefined;
    }
    for (const imported of include.valueSet ?? []) {
      const expansion = this.expand(imported.split('|')[0]);
      if (!expansion) {
        return undefined;
      }
      pairs = pairs ? pairs.filter((p) => expansion.systemCodes.has(p)) : [...expansion.systemCodes];
    }
    return pairs;
  }

  private systemCodes(include: ValueSetComposeInclude): string[] | undefined {
    const system = include.system as string;
    if (include.concept) {
      return include.concept.map((c) => `${system}|${c.code}`);
    }
    const codeSystem = this.codeSystems.get(system);
    if (!codeSystem || (codeSystem.content && codeSystem.content !== 'complete')) {
      return undefined;
    }
    let concepts = flatten(codeSystem.concept ?? []);
    for (const filter of include.filter ?? []) {
      if (filter.property !== 'concept' || (filter.op !== 'is-a' && filter.op !== 'descendent-of')) {
        return undefined;
      }
      const top = findConcept(codeSystem.concept ?? [], filter.value);
      if (!top) {
        return [];
      }
      const below = flatten(top.concept ?? []);
      concepts = filter.op === 'is-a' ? [top, ...below] : below;
    }
    return concepts.map((c) => `${system}|${c.code}`);
  }
}

function flatten(concepts: readonly CodeSystemConcept[]): CodeSystemConcept[] {
  return concepts.flatMap((c) => [c, ...flatten(c.concept ?? [])]);
}

function findConcept(concepts: readonly CodeSystemConcept[], code: string): CodeSystemConcept | undefined {
  for (const concept of concepts) {
    if (concept.code === code) {
      return concept;
    }
    const found = findConcept(concept.concept ?? [], code);
    if (found) {
      return found;
    }
  }
  return undefined;
}

function toExpansion(pairs: readonly string[]): Expansion {
  const systemCodes = new Set(pairs);
  const codes = new Set(pairs.map((p) => p.slice(p.indexOf('|') + 1)));
  return { codes, systemCodes };
}
