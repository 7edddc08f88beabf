import type { Patient, Resource } from '@medplum/fhirtypes';
import type { Requester } from '../../fhir/access';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { ReadMask } from '../../fhir/read-masks';

/**
 * Interim de-identification for the `registry` role, until issue 10: a Patient loses its direct
 * identifiers and its dates are cut to the year. Issue 10 adds pseudonymous ids (the Patient's id
 * and every reference to it) and date shifting, and covers what this mask does not: display
 * strings of references in other resources, RelatedPerson, Person and free text elsewhere.
 */

export const DEIDENTIFICATION_MASK = 'registry-deidentification';

const REGISTRY_ROLE = 'registry';

/** Elements that identify the person directly. */
const REMOVED: readonly (keyof Patient)[] = ['name', 'telecom', 'address', 'identifier', 'photo', 'contact', 'text'];

/** Extensions that identify the person (core R4 ones): birth place, birth time, mother's maiden name. */
const IDENTIFYING_EXTENSIONS: ReadonlySet<string> = new Set([
  'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
  'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
  'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName',
]);

/**
 * Patient parameters over the removed elements and the exact dates: matching or sorting by them
 * would re-identify the masked results. (Year-precision date searches are refused too, for now.)
 */
const HIDDEN_PARAMETERS: ReadonlySet<string> = new Set([
  'name',
  'family',
  'given',
  'phonetic',
  'telecom',
  'phone',
  'email',
  'address',
  'address-city',
  'address-country',
  'address-postalcode',
  'address-state',
  'address-use',
  'identifier',
  'birthdate',
  'death-date',
  '_text',
  '_content',
]);

export const deidentificationMask: ReadMask = {
  name: DEIDENTIFICATION_MASK,
  apply(resource: Resource, requester: Requester): Resource | undefined {
    if (requester.role !== REGISTRY_ROLE || resource.resourceType !== 'Patient') return undefined;
    return deidentifyPatient(resource);
  },
  hidesParameter(resourceType: string, code: string, requester: Requester): boolean {
    return requester.role === REGISTRY_ROLE && resourceType === 'Patient' && HIDDEN_PARAMETERS.has(code);
  },
};

/** A de-identified copy of the Patient, or undefined when it holds nothing to remove. */
export function deidentifyPatient(patient: Patient): Patient | undefined {
  const copy: Patient = { ...patient };
  let changed = false;
  for (const element of REMOVED) {
    if (copy[element] !== undefined) {
      delete copy[element];
      changed = true;
    }
  }
  changed = cutToYear(copy, 'birthDate') || changed;
  changed = cutToYear(copy, 'deceasedDateTime') || changed;
  const extensions = copy.extension?.filter((e) => !IDENTIFYING_EXTENSIONS.has(e.url));
  if (extensions && extensions.length !== copy.extension?.length) {
    if (extensions.length > 0) copy.extension = extensions;
    else delete copy.extension;
    changed = true;
  }
  return changed ? copy : undefined;
}

/** Cuts a date element to its year, dropping its primitive extensions (birthTime lives there); whether it changed. */
function cutToYear(patient: Patient, element: 'birthDate' | 'deceasedDateTime'): boolean {
  const value = patient[element];
  // The primitive's extensions (`_birthDate`) are not in the generated types, yet may be in the JSON.
  const primitive = patient as unknown as Record<string, unknown>;
  const extensionKey = `_${element}`;
  if (value === undefined || (value.length <= 4 && primitive[extensionKey] === undefined)) return false;
  patient[element] = value.slice(0, 4);
  delete primitive[extensionKey];
  return true;
}

/** Registers the registry role's de-identification among the read masks. */
export function registerDeidentificationMask(registries: FhirRegistries): void {
  registries.readMasks.register(deidentificationMask);
}
