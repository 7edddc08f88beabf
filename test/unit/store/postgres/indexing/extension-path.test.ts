import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../../../../../src/fhir/conformance/r4-definitions';
import { compileExtensionPath } from '../../../../../src/store/postgres/indexing/extension-path';
import { allExtensions } from '../../../../../src/store/postgres/indexing/indexer';

const STUDY = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

describe('extension paths', () => {
  beforeAll(() => loadR4Definitions());

  const resources: Resource[] = [
    { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
    { resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [{ url: STUDY, valueReference: { reference: 'ResearchStudy/a' } }] },
    {
      resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [
        { url: STUDY, valueReference: { reference: 'ResearchStudy/a' } },
        { url: 'http://example.org/other', valueReference: { reference: 'ResearchStudy/b' } },
        { url: STUDY, valueString: 'not a reference' },
        { url: STUDY, valueReference: { reference: 'ResearchStudy/c' } },
      ],
    },
  ];

  it.each([
    `Observation.extension.where(url = '${STUDY}').value.ofType(Reference)`,
    `Observation.extension.where(url='${STUDY}').value.ofType(string)`,
    "Observation.extension.where(url = 'http://example.org/other').value.ofType(Reference)",
  ])('when %s is compiled, then it gives exactly what FHIRPath gives', (expression) => {
    const compiled = compileExtensionPath(expression, 'Observation');
    expect(compiled).toBeDefined();
    for (const resource of resources) {
      expect(compiled?.(resource)).toEqual(evalFhirPathTyped(parseFhirPath(expression), [toTypedValue(resource)]));
    }
  });

  it('when the path is another shape or names another type, then it is left to FHIRPath', () => {
    expect(compileExtensionPath(`Observation.extension.where(url = '${STUDY}').value`, 'Observation')).toBeUndefined();
    expect(compileExtensionPath(`Observation.extension.where(url = '${STUDY}').value.ofType(Reference).reference`, 'Observation')).toBeUndefined();
    expect(compileExtensionPath(`Observation.code.extension.where(url = '${STUDY}').value.ofType(Reference)`, 'Observation')).toBeUndefined();
    expect(compileExtensionPath(`Patient.extension.where(url = '${STUDY}').value.ofType(Reference)`, 'Observation')).toBeUndefined();
  });

  it("when an expression uses extension('url'), then the indexer reads every extension with that url, as FHIRPath defines it", () => {
    const shortcut = `Observation.extension('${STUDY}').value.ofType(Reference)`;
    const spelled = allExtensions(shortcut);
    expect(spelled).toBe(`Observation.extension.where(url = '${STUDY}').value.ofType(Reference)`);
    const values = evalFhirPathTyped(parseFhirPath(spelled), [toTypedValue(resources[2])]);
    expect(values.map((v) => (v.value as { reference: string }).reference)).toEqual(['ResearchStudy/a', 'ResearchStudy/c']);
    expect(allExtensions("AdverseEvent.extension('a').extension('causality')")).toBe("AdverseEvent.extension.where(url = 'a').extension.where(url = 'causality')");
  });
});
