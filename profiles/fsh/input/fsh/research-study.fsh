// A cell-therapy trial as Stroma holds it, built from its ClinicalTrials.gov record (the seed documents
// under ../shared/seeds). Any registered trial must come in through its record ($import-ctgov), so this
// profile requires what every v2 record holds (errors) and warns of what many records lack but the trial
// rules read (warnings: a randomization scheme, a primary objective, an experimental arm's dose): the
// study is stored, and the operation that needs the missing part refuses with the reason.
Profile: StromaResearchStudy
Parent: ResearchStudy
Id: stroma-research-study
Title: "Stroma research study"
Description: "An interventional cell-therapy trial registered on ClinicalTrials.gov, with arms, objectives, outcome measures, design and visit schedule."
// Each trial is known by its NCT number: the seeds, the ctgov import and EHR messages all key on it.
* identifier 1..*
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains nct 1..1
* identifier[nct].system 1..1
* identifier[nct].system = "https://clinicaltrials.gov" (exactly)
* identifier[nct].value 1..1
* identifier[nct] obeys stroma-nct-format
// ClinicalTrials.gov requires a title, a phase and a primary purpose for interventional studies.
* title 1..1
* phase 1..1
* primaryPurposeType 1..1
// Eligibility and measures are per condition (SSc for NCT02213705/NCT04356287, SLE for NCT03562065). A v2
// record's conditions are free text ("Mesenchymal Stem Cells" is one of NCT03562065's): coded where a code
// is known, else text.
* condition 1..*
* condition obeys stroma-condition-named
// Arms: DOMAIN.md, one arm per arm and per dose cohort; assignedArm and the dose rules read them.
* arm 1..*
* arm.name 1..1
* arm.type 1..1
* arm.type from ResearchStudyArmType (required)
* arm.description 1..1
* arm.extension contains $DOSE_PER_KG named dosePerKg 0..1
* arm obeys stroma-arm-dose and stroma-experimental-arm-dose
* obeys stroma-arm-names-unique
// Objectives: every seed trial states a primary (safety) objective; a v2 record without outcome measures
// (NCT02213705's) has none, so it is a warning.
* objective.name 1..1
* objective.type 1..1
* objective.type from http://hl7.org/fhir/ValueSet/research-study-objective-type (required)
* obeys stroma-primary-objective
// The enrolment target (NCT04356287: 18, NCT02213705: 20, NCT03562065: 10) lives in the Group.
* enrollment 1..*
* sponsor 1..1
* site 1..*
// NCT04356287's records give no dates: the period is required to hold a start once it exists.
* period.start 1..1
// The protocol: one PlanDefinition per arm (its interventions, from the record) and, where the seed
// documents give it, the visit schedule (a StromaStudyProtocol, HL7 Schedule of Activities IG), which the
// trial rules find by its meta.profile. No v2 record holds a schedule.
* protocol only Reference(PlanDefinition)
// v2 records state allocation and masking for most interventional studies, not all (NCT03562065's record
// gives no allocation).
* extension contains
    StudyAllocation named allocation 0..1 and
    StudyMasking named masking 0..1 and
    StudyInterventionModel named interventionModel 0..1 and
    RandomizationScheme named randomization 0..1 and
    OutcomeMeasureR5 named outcomeMeasure 0..*
// ClinicalTrials.gov registers every outcome measure with a title, primary/secondary and a time frame.
* extension[outcomeMeasure].extension[name] 1..1
* extension[outcomeMeasure].extension[type] 1..1
* extension[outcomeMeasure].extension[timeFrame] 1..1
* obeys stroma-randomized-has-scheme and stroma-scheme-arms-exist

Invariant: stroma-nct-format
Description: "An NCT number is NCT followed by eight digits (ClinicalTrials.gov)."
Expression: "value.matches('^NCT[0-9]{8}$')"
Severity: #error

Invariant: stroma-condition-named
Description: "A condition is coded, or named in text where no code is known."
Expression: "coding.exists() or text.exists()"
Severity: #error

Invariant: stroma-arm-dose
Description: "A placebo arm infuses no cells and carries no dose per kg (DOMAIN.md, arms and dose cohorts)."
Expression: "type.coding.where(code = 'placebo-comparator').exists() implies extension.where(url = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg').empty()"
Severity: #error

Invariant: stroma-experimental-arm-dose
Description: "An experimental arm carries its planned dose per kg (DOMAIN.md); infusion dose checks need it."
Expression: "type.coding.where(code = 'experimental').exists() implies extension.where(url = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg').exists()"
Severity: #warning

Invariant: stroma-arm-names-unique
Description: "Arm names are unique: ResearchSubject.assignedArm names one arm (DOMAIN.md)."
Expression: "arm.name.isDistinct()"
Severity: #error

Invariant: stroma-primary-objective
Description: "A study states at least one primary objective (every seed trial has a primary safety endpoint)."
Expression: "objective.type.coding.where(code = 'primary').exists()"
Severity: #warning

Invariant: stroma-randomized-has-scheme
Description: "A randomized study carries its randomization scheme (NCT04356287: blocks of 6, 2:2:2); $randomize needs it."
Expression: "extension.where(url = 'https://stroma-fhir.org/fhir/StructureDefinition/study-allocation').value.coding.where(code = 'RANDOMIZED').exists() implies extension.where(url = 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme').exists()"
Severity: #warning

Invariant: stroma-scheme-arms-exist
Description: "Each arm weighted by the randomization scheme is one of the study's arms."
Expression: "extension.where(url = 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme').extension.where(url = 'armWeight').extension.where(url = 'arm').value.all(%resource.arm.name contains $this)"
Severity: #error
