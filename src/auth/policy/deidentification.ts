import type { Resource } from '@medplum/fhirtypes';
import type { Requester } from '../../fhir/access';
import type { FhirRegistries } from '../../fhir/conformance/registries';
import type { MaskedIds, ReadMask } from '../../fhir/read-masks';
import type { Repository } from '../../store/repository';
import { isPatientType } from './deidentification-plan';
import { deidentify, patientReferencePattern, type Reader } from './deidentification-walk';
import { PseudonymLookup } from './pseudonym-lookup';
import { deidentificationSecret, Pseudonyms } from './pseudonyms';

/**
 * De-identification (issue 10 point 3): the read mask of the `registry` role, and of any client that
 * asks `_deidentify=true`. It applies wherever the access policy hands a resource out (read, vread,
 * search, _include, history, Bundles, $export). The policy, also in README.md ("De-identification"):
 *
 * 1. Direct identifiers go, in every resource type: a Patient's, RelatedPerson's or Person's name,
 *    telecom, address, photo, contact and identifier; in a Patient's resources (the types of the Patient
 *    compartment, when they are about a Patient) every Identifier, HumanName, ContactPoint and Address;
 *    identifying extensions (birthPlace, birthTime, mothersMaidenName, nationality, citizenship). A
 *    Reference's display and identifier go wherever its target is a Patient, RelatedPerson or Person, or
 *    cannot be told: the display of a Practitioner or Organization names staff and sites, not participants.
 * 2. Patient ids become per-client pseudonyms (pseudonyms.ts): the Patient's id and every reference to it
 *    (relative, absolute on this server's base, versioned). Ids named in requests are taken as pseudonyms
 *    (src/fhir/masked-ids.ts, with PseudonymLookup): a real id finds nothing. References to another
 *    server's Patient are removed (their id is that server's identifier).
 * 3. Birth dates (and deceasedDateTime) keep only their year.
 * 4. Every other date, dateTime, instant (Periods, Timings, extensions, meta.lastUpdated) of a Patient's
 *    resource moves by the Patient's offset, ±(1..182) days and never 0, from the same HMAC: intervals
 *    between one patient's events are kept. A year or year-month keeps its precision (moved as its middle
 *    day, so a year alone never changes). Resources not about a patient (studies, organizations,
 *    conformance resources, a study's summary MeasureReport) keep their dates. The HTTP Last-Modified
 *    header of a single read follows the shifted meta.lastUpdated.
 * 5. Free text goes from a Patient's resources: narrative, notes (Annotation), every string, markdown and
 *    base64Binary element (valueString, comments, descriptions, attachment data and url) but a Coding's
 *    display and version, a CodeableConcept's text, a quantity's unit, SampledData's data and a
 *    questionnaire answer's linkId. Keys the R4 schema does not know are removed there too.
 * 6. Blinding (src/trial/blinding) runs first, as it is registered first; the registry labels MASKED once.
 * 7. What is left stays valid R4: emptied elements and arrays are removed, an extension without value
 *    goes, and a required element that was removed gets a data-absent-reason extension (`masked`).
 *
 * A de-identified requester may not write (its ids are not the stored ones), nor search by what the
 * policy hides: a Patient's names, contacts and birth date, and in a Patient's resources the date and
 * string parameters, `identifier`, `_lastUpdated`, `_text`, `_content`, reference `:identifier`.
 */

export const DEIDENTIFICATION_MASK = 'deidentification';

const REGISTRY_ROLE = 'registry';

/** Whether `requester` gets de-identified data: the registry role always, others when they ask. */
export function isDeidentified(requester: Requester): boolean {
  return requester.role === REGISTRY_ROLE || requester.deidentify === true;
}

/** Patient parameters over the removed elements and the exact dates: matching by them would re-identify. */
const PATIENT_PARAMETERS: ReadonlySet<string> = new Set([
  'name', 'family', 'given', 'phonetic', 'telecom', 'phone', 'email', 'address', 'address-city', 'address-country',
  'address-postalcode', 'address-state', 'address-use', 'identifier', 'birthdate', 'death-date',
]);

/** Parameters refused on a Patient's types whatever their definition: text search, identifiers, store times. */
const HIDDEN_EVERYWHERE: ReadonlySet<string> = new Set(['identifier', '_lastUpdated', '_text', '_content']);

const MASKED_TYPES: ReadonlySet<string> = new Set(['Patient']);

export interface DeidentificationOptions {
  registries: FhirRegistries;
  pseudonyms: Pseudonyms;
  /** Reads the stored Patient ids to translate pseudonyms back. */
  lookup: PseudonymLookup;
  /** The FHIR base URL: absolute references on it are local. */
  baseUrl: string;
}

export function createDeidentificationMask(options: DeidentificationOptions): ReadMask {
  const { registries, pseudonyms, lookup } = options;
  const patientReference = patientReferencePattern(options.baseUrl);
  const readers = new WeakMap<Requester, Reader>();
  const readerOf = (requester: Requester): Reader => {
    let reader = readers.get(requester);
    if (!reader) readers.set(requester, (reader = { pseudonym: (id) => pseudonyms.of(requester.clientId, id) }));
    return reader;
  };
  const hidden = (resourceType: string, code: string): boolean => {
    if (resourceType === 'Patient' && PATIENT_PARAMETERS.has(code)) return true;
    if (!isPatientType(resourceType)) return false;
    if (HIDDEN_EVERYWHERE.has(code)) return true;
    const type = registries.searchParameters.get(resourceType, code)?.type;
    return type === 'date' || type === 'string';
  };
  return {
    name: DEIDENTIFICATION_MASK,
    apply(resource: Resource, requester: Requester): Resource | undefined {
      if (!isDeidentified(requester)) return undefined;
      return deidentify(resource, { reader: readerOf(requester), patientReference });
    },
    hidesParameter(resourceType: string, code: string, requester: Requester): boolean {
      return isDeidentified(requester) && hidden(resourceType, code);
    },
    idsFor(requester: Requester): MaskedIds | undefined {
      if (!isDeidentified(requester)) return undefined;
      return {
        types: MASKED_TYPES,
        shown: (_type, id) => pseudonyms.of(requester.clientId, id).id,
        stored: (_type, id) => lookup.patientId(requester.clientId, id),
      };
    },
  };
}

/**
 * Registers the de-identification mask, after the masks registered before it (blinding): reads the
 * server's secret from the store, drawing it on the first start.
 */
export async function registerDeidentification(registries: FhirRegistries, repo: Repository, baseUrl: string): Promise<void> {
  const pseudonyms = new Pseudonyms(await deidentificationSecret(repo));
  const lookup = new PseudonymLookup(repo, pseudonyms);
  registries.readMasks.register(createDeidentificationMask({ registries, pseudonyms, lookup, baseUrl }));
}
