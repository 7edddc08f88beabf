import { getSearchParameterDetails } from '@medplum/core';
import type { IndexedParameter } from '../../store/repository';
import type { FhirRegistries } from '../conformance/registries';

const known = new WeakMap<IndexedParameter, boolean>();

/**
 * Whether a token parameter's values are all Identifiers (Patient.identifier and the like): the
 * parameters R4 defines `:of-type` for. Read from the element definitions its expression reaches.
 */
export function yieldsIdentifiers(param: IndexedParameter, registries: FhirRegistries): boolean {
  let answer = known.get(param);
  if (answer === undefined) {
    answer = param.type === 'token' && identifierElements(param, registries);
    known.set(param, answer);
  }
  return answer;
}

function identifierElements(param: IndexedParameter, registries: FhirRegistries): boolean {
  const definition = registries.searchParameters.definitionOf(param);
  if (!definition) {
    return false;
  }
  try {
    const types = (getSearchParameterDetails(param.resourceType, definition).elementDefinitions ?? []).flatMap((e) => e.type ?? []);
    return types.length > 0 && types.every((t) => t.code === 'Identifier');
  } catch {
    // An expression @medplum/core cannot type (an unusual FHIRPath function): not known to be identifiers.
    return false;
  }
}
