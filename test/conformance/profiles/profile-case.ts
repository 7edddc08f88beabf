import type { Resource } from '@medplum/fhirtypes';

/**
 * One negative case of a project profile: a positive example from profiles/examples/ with exactly one
 * constraint broken, and the error the validator must report for it.
 */
export interface ProfileCase {
  /** The constraint broken, which names the test. */
  name: string;
  /** The example it starts from: profiles/examples/<example>.json. */
  example: string;
  breakIt: (resource: Resource) => void;
  /** The FHIRPath location the error must carry. */
  expression: string;
  /** Text the error's diagnostics must contain: the invariant key, or the element and its rule. */
  finding: string;
  /** The constraint is a warning (the write is accepted with it in the outcome), not an error. */
  warning?: boolean;
  /** When set, the validation engine cannot find this yet: the case is kept as test.failing. */
  engineGap?: string;
}

/** A case whose mutation is typed by the example's resource type. */
export function breaking<T extends Resource>(
  example: string,
  name: string,
  breakIt: (resource: T) => void,
  expression: string,
  finding: string,
): ProfileCase {
  return { example, name, breakIt: breakIt as unknown as (resource: Resource) => void, expression, finding };
}

/** The same case, expecting a warning rather than an error. */
export function warning(c: ProfileCase): ProfileCase {
  return { ...c, warning: true };
}

/** The extension with this url (first match), which a case then breaks. */
export function extensionOf<T extends { extension?: { url: string }[] }>(element: T, url: string): NonNullable<T['extension']>[number] {
  const found = element.extension?.find((e) => e.url === url);
  if (!found) {
    throw new Error(`the example has no extension ${url}`);
  }
  return found;
}

/** Removes every extension with this url. */
export function dropExtension(element: { extension?: { url: string }[] }, url: string): void {
  element.extension = element.extension?.filter((e) => e.url !== url);
  if (element.extension?.length === 0) {
    delete element.extension;
  }
}

export const STROMA_SD = 'https://stroma-fhir.org/fhir/StructureDefinition/';
export const AE_IG_SD = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
export const DOSE_PER_KG = `${STROMA_SD}dose-per-kg`;
export const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';
export const OUTCOME_MEASURE = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.outcomeMeasure';
export const OFFSET_RANGE = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa';
