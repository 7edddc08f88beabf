import type { Identifier, Observation } from '@medplum/fhirtypes';

/**
 * A result pulled from an EHR, as Stroma stores it: the measurement itself (code, value, status, time,
 * ranges, interpretation, components), the patient named by the hospital's MRN (the intake resolves it
 * to the participant's Patient), and the EHR's identifiers plus `<EHR base>/Observation|<its id>`, the
 * key a pull upserts on, so a result pulled again updates the stored one. References into the EHR
 * (performer, specimen, encounter, members) are left out: they point at nothing here.
 */

/** Elements taken as they are: they hold no reference into the EHR. */
const KEPT = [
  'status', 'category', 'code', 'issued', 'dataAbsentReason', 'interpretation', 'bodySite', 'method', 'referenceRange', 'component',
] as const;

/** The choice types of value[x] and effective[x] R4 defines. */
const CHOICES = [
  'valueQuantity', 'valueCodeableConcept', 'valueString', 'valueBoolean', 'valueInteger', 'valueRange', 'valueRatio',
  'valueSampledData', 'valueTime', 'valueDateTime', 'valuePeriod',
  'effectiveDateTime', 'effectivePeriod', 'effectiveTiming', 'effectiveInstant',
] as const;

/** The upsert key of an EHR's Observation: its id, in the system of the EHR's Observation base. */
export function remoteKey(base: string, remote: Observation): { system: string; value: string } | undefined {
  return remote.id ? { system: `${base}/Observation`, value: remote.id } : undefined;
}

/** The Observation to store for `remote`, pulled for the patient with `mrn` in `patientSystem`. */
export function mapObservation(remote: Observation, key: { system: string; value: string }, patient: Identifier): Observation {
  const mapped: Observation = { resourceType: 'Observation', status: remote.status, code: remote.code };
  const target = mapped as unknown as Record<string, unknown>;
  const source = remote as unknown as Record<string, unknown>;
  for (const element of [...KEPT, ...CHOICES]) {
    if (source[element] !== undefined) target[element] = source[element];
  }
  if (Array.isArray(remote.note)) mapped.note = remote.note.filter((n) => n.text).map((n) => ({ text: n.text, ...(n.time ? { time: n.time } : {}) }));
  const theirs = (remote.identifier ?? [])
    .filter((i) => i.value && !(i.system === key.system && i.value === key.value))
    // An assigner or period would be the EHR's business: the identifier's name of the result is what counts.
    .map(({ use, type, system, value }): Identifier => ({ ...(use ? { use } : {}), ...(type ? { type } : {}), ...(system ? { system } : {}), value }));
  mapped.identifier = [...theirs, key];
  mapped.subject = { identifier: { system: patient.system, value: patient.value } };
  return mapped;
}
