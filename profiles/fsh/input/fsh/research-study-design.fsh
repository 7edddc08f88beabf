// The study design elements R4's ResearchStudy has no place for: allocation, masking, the intervention
// model, the randomization scheme, and the outcome measures with their time frames. Dose per kg per arm is H1's dose-per-kg.

// ClinicalTrials.gov's design fields, kept as that registry spells them, so a record maps one to one
// (NCT02213705: "Allocation Method NA", "Blinding Strategy NONE"; NCT04356287: randomized, double-blind).
CodeSystem: CtgovAllocation
Id: ctgov-allocation
Title: "ClinicalTrials.gov design allocation"
Description: "ClinicalTrials.gov's DesignAllocation values."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/ctgov-allocation"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #RANDOMIZED "Randomized"
* #NON_RANDOMIZED "Non-randomized"
* #NA "Not applicable" "Single-group studies."

CodeSystem: CtgovMasking
Id: ctgov-masking
Title: "ClinicalTrials.gov design masking"
Description: "ClinicalTrials.gov's DesignMasking values."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/ctgov-masking"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #NONE "None (open label)"
* #SINGLE "Single"
* #DOUBLE "Double"
* #TRIPLE "Triple"
* #QUADRUPLE "Quadruple"

ValueSet: CtgovAllocationValues
Id: ctgov-allocation
Title: "ClinicalTrials.gov design allocation"
Description: "Every ClinicalTrials.gov DesignAllocation value."
* ^status = #active
* include codes from system CtgovAllocation

ValueSet: CtgovMaskingValues
Id: ctgov-masking
Title: "ClinicalTrials.gov design masking"
Description: "Every ClinicalTrials.gov DesignMasking value."
* ^status = #active
* include codes from system CtgovMasking

Extension: StudyAllocation
Id: study-allocation
Title: "Study allocation"
Description: "How participants are allocated to arms (ClinicalTrials.gov DesignAllocation)."
* ^context[+].type = #element
* ^context[=].expression = "ResearchStudy"
* value[x] only CodeableConcept
* valueCodeableConcept from CtgovAllocationValues (required)

Extension: StudyMasking
Id: study-masking
Title: "Study masking"
Description: "Who is blinded to the arm assignment (ClinicalTrials.gov DesignMasking)."
* ^context[+].type = #element
* ^context[=].expression = "ResearchStudy"
* value[x] only CodeableConcept
* valueCodeableConcept from CtgovMaskingValues (required)

// NCT04356287: parallel arms, with its block design in the model's description; NCT02213705 and
// NCT03562065: a single group.
CodeSystem: CtgovInterventionModel
Id: ctgov-intervention-model
Title: "ClinicalTrials.gov intervention model"
Description: "ClinicalTrials.gov's InterventionalAssignment values."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/ctgov-intervention-model"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #SINGLE_GROUP "Single group assignment"
* #PARALLEL "Parallel assignment"
* #CROSSOVER "Crossover assignment"
* #FACTORIAL "Factorial assignment"
* #SEQUENTIAL "Sequential assignment"

ValueSet: CtgovInterventionModelValues
Id: ctgov-intervention-model
Title: "ClinicalTrials.gov intervention model"
Description: "Every ClinicalTrials.gov InterventionalAssignment value."
* ^status = #active
* include codes from system CtgovInterventionModel

Extension: StudyInterventionModel
Id: study-intervention-model
Title: "Study intervention model"
Description: "How interventions are assigned across arms (ClinicalTrials.gov interventionModel), with the registry's free-text description of it (interventionModelDescription)."
* ^context[+].type = #element
* ^context[=].expression = "ResearchStudy"
* extension contains
    model 1..1 and
    description 0..1
* extension[model].value[x] only CodeableConcept
* extension[model].valueCodeableConcept from CtgovInterventionModelValues (required)
* extension[description].value[x] only markdown

// NCT04356287: "18 SSc patients ... in 3 successive blocks of 6 patients each ... randomized in a 2:2:2
// ratio", blocks 2 and 3 staggered. Kept as data so $randomize reads the scheme instead of code per trial.
Extension: RandomizationScheme
Id: randomization-scheme
Title: "Randomization scheme"
Description: "Block randomization: block size, number of blocks, and the weight of each arm within a block."
* ^context[+].type = #element
* ^context[=].expression = "ResearchStudy"
* extension contains
    blockSize 1..1 and
    blockCount 0..1 and
    armWeight 1..* and
    staggerInterval 0..1 and
    description 0..1
* extension[blockSize].value[x] only positiveInt
* extension[blockCount] ^short = "Number of successive blocks (NCT04356287: 3)"
* extension[blockCount].value[x] only positiveInt
* extension[armWeight] ^short = "An arm's share of each block (NCT04356287: 2 of 6 for each arm)"
* extension[armWeight].extension contains arm 1..1 and weight 1..1
* extension[armWeight].extension[arm] ^short = "The name of a ResearchStudy.arm"
* extension[armWeight].extension[arm].value[x] only string
* extension[armWeight].extension[weight].value[x] only positiveInt
* extension[staggerInterval] ^short = "Staggered blocks: block n+1 opens this long after the last first infusion of block n (NCT04356287: 1 month)"
* extension[staggerInterval] ^definition = "When stated, block n+1 is randomized only once every subject of block n has had a first infusion, this long has passed since the last of those infusions, and no treatment-related severe adverse event occurred in block n."
* extension[staggerInterval].value[x] only Duration
* extension[staggerInterval].valueDuration.system = "http://unitsofmeasure.org" (exactly)
* extension[staggerInterval].valueDuration.code from http://hl7.org/fhir/ValueSet/units-of-time (required)
* extension[description] ^short = "The scheme as the protocol states it, including any staggering rule"
* extension[description].value[x] only markdown

// R5's ResearchStudy.outcomeMeasure, carried in R4 by the HL7 cross-version extension (its URL and
// sub-extensions name, type, description, reference). R5 has no time-frame element: it expects the
// time frame inside the EvidenceVariable that `reference` points to (characteristic.timeFromEvent).
// ClinicalTrials.gov gives each outcome measure's time frame as free text ("Month 1", "Month 0 and
// Month 12", "10 days"), so Stroma carries that text verbatim in the project sub-extension
// outcome-time-frame instead of minting one EvidenceVariable per outcome for a string.
Extension: OutcomeMeasureR5
Id: extension-ResearchStudy.outcomeMeasure
Title: "R5: ResearchStudy.outcomeMeasure"
Description: "Cross-version extension for R5 ResearchStudy.outcomeMeasure in R4, plus the outcome's time frame."
* ^url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.outcomeMeasure"
* ^context[+].type = #element
* ^context[=].expression = "ResearchStudy"
* extension contains
    name 0..1 and
    type 0..* and
    description 0..1 and
    reference 0..1 and
    OutcomeTimeFrame named timeFrame 0..1
* extension[name].value[x] only string
* extension[type].value[x] only CodeableConcept
* extension[type].valueCodeableConcept from http://hl7.org/fhir/ValueSet/research-study-objective-type (preferred)
* extension[description].value[x] only markdown
* extension[reference].value[x] only Reference(EvidenceVariable)

// R4 has one title; ClinicalTrials.gov has a brief title (ResearchStudy.title), an official title and an
// acronym (NCT03562065: "MSC-SLE"). R5 keeps the others in ResearchStudy.label, typed by its title-type codes.
Extension: LabelR5
Id: extension-ResearchStudy.label
Title: "R5: ResearchStudy.label"
Description: "Cross-version extension for R5 ResearchStudy.label in R4: an additional title of the study (official title, acronym)."
* ^url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.label"
* ^context[+].type = #element
* ^context[=].expression = "ResearchStudy"
* extension contains
    type 0..1 and
    value 1..1
* extension[type].value[x] only CodeableConcept
* extension[value].value[x] only string

Extension: OutcomeTimeFrame
Id: outcome-time-frame
Title: "Outcome measure time frame"
Description: "When an outcome measure is assessed, as the registry states it (ClinicalTrials.gov Time Frame)."
* ^context[+].type = #extension
* ^context[=].expression = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.outcomeMeasure"
* value[x] only string

ValueSet: ResearchStudyArmType
Id: research-study-arm-type
Title: "Research study arm types"
Description: "The HL7 terminology's arm types (ClinicalTrials.gov's arm types)."
* ^status = #active
* $ARM_TYPE#active-comparator "Active Comparator"
* $ARM_TYPE#placebo-comparator "Placebo Comparator"
* $ARM_TYPE#sham-comparator "Sham Comparator"
* $ARM_TYPE#no-intervention "No Intervention"
* $ARM_TYPE#experimental "Experimental"
* $ARM_TYPE#other-arm-type "Other"
