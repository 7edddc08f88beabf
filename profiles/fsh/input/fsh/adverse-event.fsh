// An adverse event in a trial, conforming to the AE Clinical Research IG's profile (defined here under
// its URL, DOMAIN.md). All three seed trials grade toxicity with CTCAE (NCT04356287 v5.0,
// NCT03562065 "according to CTCAE", NCT02213705 "grade 3 or higher").
Profile: AdverseEventClinicalResearch
Parent: AdverseEvent
Id: AdverseEvent-clinical-research
Title: "Adverse Event Clinical Research"
Description: "An adverse event in a clinical trial: CTCAE grade, causality, seriousness and its criteria, outcome."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/AdverseEvent-clinical-research"
* extension contains
    AeGrade named ae-grade 1..1 and
    SuspectEntity named suspect-entity 0..* and
    SeriousnessCriteria named seriousness-criteria 0..* and
    ExpectedInResearchStudy named expected-in-research-study 0..1 and
    ResolveDate named resolve-date 0..1 and
    ResearchSubjectRef named research-subject-ref 0..1
// The IG: only actual events (a near miss is not reported to a trial's safety review).
* actuality = $AE_ACTUALITY#actual
* subject only Reference(Patient)
// The event as a CTCAE term, which CTCAE v5 publishes as MedDRA LLTs (DOMAIN.md), with its text.
* event 1..1
* event.text 1..1
* event obeys stroma-event-meddra
// When it began: the primary endpoints count events within 10 days (NCT02213705, NCT03562065) or one
// month (NCT04356287) of an infusion.
* date 1..1
// The IG requires seriousness and outcome and prohibits what its extensions replace.
* seriousness 1..1
* seriousness from AeSeriousness (required)
// R4 binds outcome (required) to its own adverse-event-outcome codes, and a profile cannot lift a
// required binding: an outcome carries the R4 code and the NCIt code of DOMAIN.md side by side
// (C49498 resolved, C49496 recovering, C49494 ongoing, C49495 resolvedWithSequelae, C48275 fatal),
// each binding satisfied by its own coding, as the HL7 Java validator checks CodeableConcepts.
* outcome 1..1
* outcome from AeOutcome (required)
* severity 0..0
* suspectEntity 0..0
// DOMAIN.md links an AdverseEvent to its study with the core element study.
* study 1..*
* obeys stroma-serious-iff-criterion

Invariant: stroma-event-meddra
Description: "The event is coded in MedDRA."
Expression: "coding.where(system = 'http://terminology.hl7.org/CodeSystem/mdr').exists()"
Severity: #error

// DOMAIN.md: serious if and only if a criterion is present (the IG's aeClinRes-seriousness-1 checks
// one direction; a criterion present on a non-serious event is as wrong as a serious one without).
Invariant: stroma-serious-iff-criterion
Description: "Seriousness is 'serious' if and only if a seriousness criterion is present."
Expression: "seriousness.coding.where(system = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness' and code = 'serious').exists() = extension.where(url = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/seriousness-criteria').where(extension.where(url = 'criterionPresent' and value = true).exists()).exists()"
Severity: #error
