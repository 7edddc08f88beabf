// A study participant. EHR pushes and HL7 v2 feeds are matched to the participant by identifier
// (a hospital MRN or a study participant number), so one is required, with its system.
Profile: StromaParticipant
Parent: Patient
Id: stroma-participant
Title: "Stroma study participant"
Description: "A patient taking part in a Stroma trial, identified by at least one system-qualified identifier."
* identifier 1..*
* identifier.system 1..1
* identifier.value 1..1
