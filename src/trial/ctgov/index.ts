/** ClinicalTrials.gov API v2 import: pure mapping from a study record to a FHIR transaction Bundle. */
export { ctgovToBundle } from './map-record';
export { CtgovRecordError } from './record-reader';
export { fhirStudyPhase, fhirStudyStatus, OVERALL_STATUS_TO_FHIR, PHASES_TO_FHIR } from './status-phase';
