// Issue 9: why a result sent by a hospital (FHIR push, HL7 v2, pull sync) was not kept. The reason is
// the coded detail of the 422 OperationOutcome (and the metrics' reason label).
CodeSystem: StromaIntakeRefusal
Id: intake-refusal
Title: "Stroma intake refusals"
Description: "Why the server refused a result sent from an outside system (a hospital's EHR or laboratory): the code of OperationOutcome.issue.details on the 422 answer, and of the HL7 v2 acknowledgement's ERR segment text."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/intake-refusal"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #unknown-patient "Unknown patient" "No Patient here carries the identifier the result names its patient by (or more than one does)."
* #not-a-participant "Not a participant" "The Patient has no ResearchSubject in an active status (screening to follow-up): the study takes none of their data."
* #outside-panel "Outside the panel" "The result's code is not in the lab panel of the patient's studies (the codes of the trial's measurement profiles and eligibility criteria), or a local code has no mapping."
* #unmapped-code "Unmapped local code" "(HL7 v2) The result's code is the sending facility's own, and the facility's ConceptMap maps it to no LOINC code."
