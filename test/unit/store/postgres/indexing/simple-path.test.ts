import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { createRegistries } from '../../../../../src/fhir/conformance/registries';
import { SEARCHABLE_TYPES } from '../../../../../src/store/postgres';
import { branchesFor } from '../../../../../src/store/postgres/indexing/indexer';
import { compileSimplePath } from '../../../../../src/store/postgres/indexing/simple-path';

// HL7's official R4 examples, which no one here wrote (../shared/conformance, beside the repository).
const EXAMPLES = path.resolve(__dirname, '../../../../../../shared/conformance/r4-examples');

describe('compileSimplePath', () => {
  const registries = createRegistries(SEARCHABLE_TYPES);
  const examples: Resource[] = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as Resource);

  it('when the official R4 examples are indexed, then compiled paths give exactly what FHIRPath gives', () => {
    expect(examples.length).toBeGreaterThan(20);
    let compared = 0;
    for (const resource of examples) {
      for (const param of registries.searchParameters.forType(resource.resourceType)) {
        for (const branch of branchesFor(param.expression, resource.resourceType)) {
          const compiled = compileSimplePath(branch, resource.resourceType);
          if (!compiled) continue;
          // FHIRPath reads "Resource.meta.tag" as a type test that a concrete resource fails; the search
          // parameter means the element of any resource, so the reference is the path on the concrete type.
          const concrete = branch.replace(/^(Resource|DomainResource)\./, `${resource.resourceType}.`);
          const expected = evalFhirPathTyped(parseFhirPath(concrete), [toTypedValue(resource)]);
          expect([branch, compiled(resource)]).toEqual([branch, expected]);
          compared += expected.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('when a path has a function, or steps after an unnarrowed choice, then it is left to FHIRPath', () => {
    expect(compileSimplePath("Patient.name.where(use = 'official')", 'Patient')).toBeUndefined();
    expect(compileSimplePath('Observation.value.text', 'Observation')).toBeUndefined();
    expect(compileSimplePath('(Observation.value as Quantity', 'Observation')).toBeUndefined();
    expect(compileSimplePath('(Observation.value as Nonsense)', 'Observation')).toBeUndefined();
  });

  it('when a path reads a choice element, with or without "as", then it compiles; so do backbone paths', () => {
    expect(compileSimplePath('Observation.effective', 'Observation')).toBeDefined();
    expect(compileSimplePath('(Observation.value as CodeableConcept).text', 'Observation')).toBeDefined();
    expect(compileSimplePath('(Observation.component.value as Quantity)', 'Observation')).toBeDefined();
    expect(compileSimplePath('Observation.component.code', 'Observation')).toBeDefined();
    expect(compileSimplePath('Observation.code', 'Observation')).toBeDefined();
    expect(compileSimplePath('Resource.meta.tag', 'Patient')).toBeDefined();
  });
});
