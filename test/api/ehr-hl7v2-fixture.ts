import type { ConceptMap, NamingSystem, NamingSystemUniqueId, Patient } from '@medplum/fhirtypes';
import { FACILITY_MAP_SYSTEM } from '../../src/sync/hl7v2/code-mapping';

/** JGH names its facility and its patients' assigning authority by OID: its result identifiers are in that OID. */
export const JGH_SYSTEM = 'urn:oid:2.16.840.1.113883.3.1';
/** MUHC's assigning authority is the namespace MUHC, which a NamingSystem gives this OID. */
export const MUHC_OID = '1.3.6.1.4.1.99999.1';
/** CHUM's own lab codes. */
export const CHUM_CODES = 'https://chum.example.org/fhir/CodeSystem/lab-codes';

/** The participant as enrollment recorded them: one identifier per hospital that sends their labs. */
export function participantPatient(): Patient {
  return {
    resourceType: 'Patient',
    identifier: [
      { system: 'http://hospital.example.org/mrn', value: 'P-100' },
      { system: JGH_SYSTEM, value: 'JGH-555' },
      { system: `urn:oid:${MUHC_OID}`, value: 'M-77' },
    ],
    name: [{ family: 'Tremblay', given: ['Marie'] }],
    gender: 'female',
    birthDate: '1968-04-12',
  };
}

/** A NamingSystem that says what system an HL7 v2 namespace id stands for. */
export function namingSystem(namespace: string, system: NamingSystemUniqueId): NamingSystem {
  return {
    resourceType: 'NamingSystem',
    name: `${namespace}_MRN`,
    status: 'active',
    kind: 'identifier',
    date: '2024-01-01',
    uniqueId: [{ type: 'other', value: namespace }, { ...system, preferred: true }],
  };
}

/** CHUM's ConceptMap: its lab codes to LOINC, glucose among them (outside the study's panel). */
export function chumConceptMap(): ConceptMap {
  const element = (code: string, loinc: string) => ({ code, target: [{ code: loinc, equivalence: 'equivalent' as const }] });
  return {
    resourceType: 'ConceptMap',
    identifier: { system: FACILITY_MAP_SYSTEM, value: 'CHUM' },
    url: 'https://chum.example.org/fhir/ConceptMap/lab-codes-to-loinc',
    status: 'active',
    group: [{ source: CHUM_CODES, target: 'http://loinc.org', element: [element('HGB', '718-7'), element('VS', '4537-7'), element('GLU', '2345-7'), element('PLQ', '777-3')] }],
  };
}
