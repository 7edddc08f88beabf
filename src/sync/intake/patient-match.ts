import type { BundleEntry, Identifier, Observation, Patient } from '@medplum/fhirtypes';
import { intakeRefusal } from '../../fhir/intake';
import type { IndexedParameter, ResourceReader } from '../../store/repository';

/**
 * Finding the participant an outside system's result is about. Hospitals name patients by their own
 * identifiers (an MRN in the hospital's identifier system), which Stroma keeps on the participant's
 * Patient from enrollment; a result names its patient by one (`subject.identifier`), or by a Patient
 * entry of the same Bundle that carries them.
 */

/** The refusal reason when no Patient, or more than one, carries the identifier. */
export const UNKNOWN_PATIENT = 'unknown-patient';

/** An identifier that names something: both system and value given. */
export const hasSystemAndValue = (identifier: Identifier | undefined): identifier is Identifier & { system: string; value: string } =>
  typeof identifier?.system === 'string' && identifier.system.length > 0 && typeof identifier.value === 'string' && identifier.value.length > 0;

export const tokenOf = (identifier: { system: string; value: string }): string => `${identifier.system}|${identifier.value}`;

/** The ids of the Patients carrying any of `identifiers` (system and value both given). */
export async function patientsWith(identifiers: readonly Identifier[], param: IndexedParameter, reader: ResourceReader): Promise<Set<string>> {
  const tokens = identifiers.filter(hasSystemAndValue).map(tokenOf);
  if (tokens.length === 0) return new Set();
  const found = await reader.search({
    resourceType: 'Patient',
    filters: [{ param, values: tokens.map((value) => ({ value })) }],
    sort: [],
    count: 2,
    offset: 0,
    total: 'none',
  });
  return new Set(found.resources.map((p) => p.id as string));
}

/** "Patient/id" of the one Patient carrying one of `identifiers`; refuses none and several. */
export async function matchPatient(
  identifiers: readonly Identifier[],
  param: IndexedParameter,
  reader: ResourceReader,
  expression: string,
): Promise<string> {
  const named = identifiers.filter(hasSystemAndValue).map(tokenOf).join(', ');
  if (named.length === 0) {
    throw intakeRefusal(UNKNOWN_PATIENT, 'The patient is named without an identifier that has both system and value', expression);
  }
  const ids = await patientsWith(identifiers, param, reader);
  if (ids.size !== 1) {
    const found = ids.size === 0 ? 'No Patient' : 'More than one Patient';
    throw intakeRefusal(UNKNOWN_PATIENT, `${found} here has the identifier ${named}`, expression);
  }
  return `Patient/${[...ids][0]}`;
}

/** The Patient entry of `bundle` whose fullUrl `reference` is, if there is one. */
export function patientEntry(reference: string | undefined, bundle: readonly BundleEntry[] | undefined): Patient | undefined {
  if (!reference || !bundle) return undefined;
  const entry = bundle.find((e) => e.fullUrl === reference && e.resource?.resourceType === 'Patient');
  return entry?.resource as Patient | undefined;
}

/**
 * The Observation with its subject as a reference to the participant's Patient, when it named the
 * patient by identifier or by a Patient entry; unchanged when its subject is already a reference here.
 */
export async function withSubjectResolved(
  observation: Observation,
  param: IndexedParameter,
  reader: ResourceReader,
  bundle: readonly BundleEntry[] | undefined,
): Promise<Observation> {
  const subject = observation.subject;
  const entry = patientEntry(subject?.reference, bundle);
  if (entry) {
    const reference = await matchPatient(entry.identifier ?? [], param, reader, 'Observation.subject');
    return { ...observation, subject: { ...subject, reference } };
  }
  if (subject && !subject.reference && subject.identifier) {
    const reference = await matchPatient([subject.identifier], param, reader, 'Observation.subject.identifier');
    return { ...observation, subject: { ...subject, reference } };
  }
  return observation;
}
