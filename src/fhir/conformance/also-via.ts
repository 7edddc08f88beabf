import type { SearchParameter } from '@medplum/fhirtypes';
import type { IndexedParameter, SearchParamType } from '../../store/repository';
import { isLinked, linkedFilter, type LinkScope } from '../search/chain';

/**
 * A SearchParameter extension of this project: "this parameter also matches through this chain".
 * Its valueString is a chained parameter name as a search would send it, without the value
 * (`subject:Patient.organization`, `subject:Patient._has:Group:member:characteristic`), followed
 * from each base and ending at a parameter of the definition's own type. A search by the parameter
 * then matches a resource whose own element matches OR whose chain does, one extension per chain.
 * R4 has no way to say this (a SearchParameter has one expression over the resource itself, and
 * FHIRPath's resolve() cannot follow references backwards or be indexed at write time), and
 * neither HAPI nor Medplum offers one; an extension keeps the definition a valid R4 SearchParameter.
 */
export const ALSO_VIA_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/search-parameter-also-via';

/** The chains a definition's also-via extensions name, in order (malformed ones left out: validation refuses them). */
export function alsoViaChains(definition: SearchParameter | undefined): string[] {
  return (definition?.extension ?? [])
    .filter((e) => e.url === ALSO_VIA_URL && typeof e.valueString === 'string' && e.valueString.trim() !== '')
    .map((e) => (e.valueString as string).trim());
}

/**
 * Why the definition's also-via extensions cannot be used, one message each. Each must hold a
 * non-empty valueString that is a chain or `_has`; with `links`, the chain must also be followable
 * from every base in `bases` to a parameter of the definition's type, named without a modifier
 * (a search's modifier is added to it). A chain is followed without its last parameter's own
 * also-via chains: they do not compose, so no definition can make a search loop.
 */
export function alsoViaProblems(definition: SearchParameter, bases: readonly string[], links?: LinkScope): string[] {
  const problems: string[] = [];
  for (const extension of (definition.extension ?? []).filter((e) => e.url === ALSO_VIA_URL)) {
    const chain = typeof extension.valueString === 'string' ? extension.valueString.trim() : '';
    if (chain === '' || Object.keys(extension).some((key) => key.startsWith('value') && key !== 'valueString')) {
      problems.push(`The also-via extension takes a valueString: a chained parameter such as "subject:Patient.${definition.code}"`);
    } else if (!isLinked(chain)) {
      problems.push(`also-via "${chain}" is not a chain ("reference.parameter" or "_has:...")`);
    } else if (links) {
      const reason = bases.map((base) => chainProblem(definition, base, chain, links)).find((r) => r !== undefined);
      if (reason) problems.push(`also-via "${chain}" cannot be followed: ${reason}`);
    }
  }
  return problems;
}

/** Why `chain` cannot be followed from `base`, or undefined when it can. */
function chainProblem(definition: SearchParameter, base: string, chain: string, links: LinkScope): string | undefined {
  const type = definition.type as SearchParamType;
  const scope: LinkScope = {
    resourceTypes: links.resourceTypes,
    searchParameters: {
      // The definition itself may be the chain's end (on another resource of a base), before it is registered.
      get: (resourceType, code) =>
        links.searchParameters.get(resourceType, code) ??
        (code === definition.code && (definition.base as string[] | undefined)?.includes(resourceType) ? ownParameter(definition, resourceType) : undefined),
    },
  };
  const result = linkedFilter(base, chain, 'x', scope, (at, rawName) => {
    const [code, modifier] = rawName.split(':', 2);
    const param = scope.searchParameters.get(at, code);
    if (!param) return `Unknown search parameter "${code}" for ${at}`;
    if (modifier !== undefined) return `its last parameter "${rawName}" takes no modifier (a search's modifier is added to it)`;
    if (param.type !== type) return `it ends at ${at} "${code}", a ${param.type} parameter, not a ${type} one like "${definition.code}"`;
    return { param, values: [{ value: 'x' }] };
  });
  return typeof result === 'string' ? `from ${base}, ${result}` : undefined;
}

function ownParameter(definition: SearchParameter, resourceType: string): IndexedParameter {
  const { code, type, expression, target } = definition;
  return { resourceType, code: code as string, type: type as SearchParamType, expression: expression ?? '', targets: target };
}
