// Measurements whose value is a code, and the value sets of codes the measurement profiles accept.

// DOMAIN.md: eGFR is LOINC 62238-1 (CKD-EPI); 33914-3 (MDRD) and 98979-8 are accepted as hospitals send them.
ValueSet: EgfrCodes
Id: egfr-codes
Title: "eGFR codes"
Description: "The LOINC codes accepted for an eGFR."
* ^status = #active
* $LOINC#62238-1
* $LOINC#33914-3
* $LOINC#98979-8

// DOMAIN.md: creatinine clearance is LOINC 2164-2, or 35591-7 (Cockcroft-Gault, NCT02213705 "calculated").
ValueSet: CreatinineClearanceCodes
Id: creatinine-clearance-codes
Title: "Creatinine clearance codes"
Description: "The LOINC codes accepted for a creatinine clearance."
* ^status = #active
* $LOINC#2164-2
* $LOINC#35591-7

// DOMAIN.md: pregnancy test in urine (2106-3) or serum (2118-8).
ValueSet: PregnancyTestCodes
Id: pregnancy-test-codes
Title: "Pregnancy test codes"
Description: "The LOINC codes of a pregnancy test."
* ^status = #active
* $LOINC#2106-3
* $LOINC#2118-8

ValueSet: QualitativeResults
Id: qualitative-results
Title: "Qualitative results"
Description: "Positive, negative or indeterminate (SNOMED CT qualifier values)."
* ^status = #active
* $SCT#10828004 "Positive"
* $SCT#260385009 "Negative"
* $SCT#82334004 "Indeterminate"

// All three trials exclude pregnancy; NCT03562065 requires a negative test for women of childbearing age.
Profile: StromaPregnancyTest
Parent: StromaTrialObservation
Id: stroma-pregnancy-test
Title: "Pregnancy test"
Description: "A urine or serum pregnancy test in a Stroma trial."
* code from PregnancyTestCodes (required)
* value[x] only CodeableConcept
* valueCodeableConcept from QualitativeResults (required)

// NCT03562065: SLE "with positive antinuclear antibodies".
Profile: StromaAnaPresence
Parent: StromaTrialObservation
Id: stroma-ana-presence
Title: "Antinuclear antibodies (presence)"
Description: "Presence of antinuclear antibodies in a Stroma trial."
* code = $LOINC#8061-4
* value[x] only CodeableConcept
* valueCodeableConcept from QualitativeResults (required)

// NCT03562065: the SRI's "no new BILAG A score for an organ, no more than one new BILAG B". DOMAIN.md:
// one component per organ system, valued A-E; the observation itself has no value.
Profile: StromaBilagOrgan
Parent: StromaTrialObservation
Id: stroma-bilag-organ
Title: "BILAG organ grades"
Description: "The BILAG grade A-E of each organ system, one component per organ."
* code = $TA#bilag-organ
* value[x] 0..0
* component 1..*
* component.code from BilagOrganSystems (required)
* component.value[x] 1..1
* component.value[x] only CodeableConcept
* component.valueCodeableConcept from BilagGrades (required)
* obeys stroma-bilag-organs-once

Invariant: stroma-bilag-organs-once
Description: "Each organ system is graded once."
Expression: "component.code.coding.code.isDistinct()"
Severity: #error
