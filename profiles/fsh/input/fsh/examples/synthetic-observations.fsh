// One synthetic measurement per Observation profile: the values are synthetic (plausible, not any
// participant's); each carries the HTEST label. The lupus scores belong to NCT03562065's measures
// and are linked to no study here, as data pushed by an EHR would be.
RuleSet: SyntheticMeasurement(code)
* meta.security = $ACT_REASON#HTEST "test health data"
* status = #final
* code = {code}
* subject = Reference(synthetic-participant-1)
* effectiveDateTime = "2026-03-02T08:00:00Z"

Instance: synthetic-mrss
InstanceOf: StromaMrss
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($TA#mrss)
* valueQuantity = 24 '{score}' "{score}"

Instance: synthetic-esr
InstanceOf: StromaEsr
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#4537-7)
* valueQuantity = 32 'mm/h' "mm/h"

Instance: synthetic-hemoglobin
InstanceOf: StromaHemoglobin
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#718-7)
* valueQuantity = 10.6 'g/dL' "g/dL"

Instance: synthetic-hemoglobin-g-per-l
InstanceOf: StromaHemoglobin
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#718-7)
* valueQuantity = 106 'g/L' "g/L"

Instance: synthetic-dlco-percent
InstanceOf: StromaDlcoPercent
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#98130-8)
* valueQuantity = 58 '%' "%"

Instance: synthetic-fvc-percent
InstanceOf: StromaFvcPercent
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#19872-1)
* valueQuantity = 74 '%' "%"

Instance: synthetic-egfr
InstanceOf: StromaEgfr
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#62238-1)
* valueQuantity = 71 'mL/min/{1.73_m2}' "mL/min/1.73m2"

Instance: synthetic-creatinine-clearance
InstanceOf: StromaCreatinineClearance
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#35591-7)
* valueQuantity = 84 'mL/min' "mL/min"

Instance: synthetic-lvef
InstanceOf: StromaLvef
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#10230-1)
* valueQuantity = 60 '%' "%"

Instance: synthetic-pasp
InstanceOf: StromaPasp
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#8440-0)
* valueQuantity = 32 'mm[Hg]' "mmHg"

Instance: synthetic-ast
InstanceOf: StromaAst
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#1920-8)
* valueQuantity = 28 'U/L' "U/L"

Instance: synthetic-alt
InstanceOf: StromaAlt
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#1742-6)
* valueQuantity = 31 'U/L' "U/L"

Instance: synthetic-bilirubin
InstanceOf: StromaBilirubin
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#1975-2)
* valueQuantity = 0.6 'mg/dL' "mg/dL"

Instance: synthetic-neutrophils
InstanceOf: StromaNeutrophils
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#751-8)
* valueQuantity = 4.1 '10*9/L' "10^9/L"

Instance: synthetic-platelets
InstanceOf: StromaPlatelets
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#777-3)
* valueQuantity = 245 '10*3/uL' "10^3/uL"

Instance: synthetic-cd4
InstanceOf: StromaCd4
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#24467-3)
* valueQuantity = 640 '10*6/L' "10^6/L"

Instance: synthetic-bmi
InstanceOf: StromaBmi
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#39156-5)
// BMI is a vital sign in R4 (observation.html#vitals): the core profile requires this category.
* category = $OBS_CATEGORY#vital-signs
* valueQuantity = 22.8 'kg/m2' "kg/m2"

Instance: synthetic-pao2
InstanceOf: StromaPao2
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#2703-7)
* valueQuantity = 84 'mm[Hg]' "mmHg"

Instance: synthetic-paco2
InstanceOf: StromaPaco2
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#2019-8)
* valueQuantity = 38 'mm[Hg]' "mmHg"

Instance: synthetic-selena-sledai
InstanceOf: StromaSelenaSledai
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($TA#selena-sledai)
* valueQuantity = 10 '{score}' "{score}"

Instance: synthetic-bilag-total
InstanceOf: StromaBilagTotal
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($TA#bilag-total)
* valueQuantity = 14 '{score}' "{score}"

Instance: synthetic-physician-global
InstanceOf: StromaPhysicianGlobal
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($TA#physician-global)
* valueQuantity = 1.5 '{score}' "{score}"

Instance: synthetic-sf36-pf
InstanceOf: StromaSf36
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($TA#sf36-pf)
* valueQuantity = 55 '{score}' "{score}"

Instance: synthetic-eq5d-index
InstanceOf: StromaEq5dIndex
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($SCT#736534008)
* valueQuantity = 0.62 '1' "1"

Instance: synthetic-eq5d-vas
InstanceOf: StromaEq5dVas
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($SCT#736535009)
* valueQuantity = 60 '{score}' "{score}"

Instance: synthetic-ana-titer
InstanceOf: StromaAnaTiter
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#5048-4)
* valueQuantity = 640 '{titer}' "{titer}"

Instance: synthetic-pregnancy-test
InstanceOf: StromaPregnancyTest
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#2106-3)
* valueCodeableConcept = $SCT#260385009 "Negative"

Instance: synthetic-ana-presence
InstanceOf: StromaAnaPresence
Usage: #example
Description: "Synthetic measurement (not a real participant's)."
* insert SyntheticMeasurement($LOINC#8061-4)
* valueCodeableConcept = $SCT#10828004 "Positive"

Instance: synthetic-bilag-organ
InstanceOf: StromaBilagOrgan
Usage: #example
Description: "Synthetic BILAG organ grades (not a real participant's)."
* insert SyntheticMeasurement($TA#bilag-organ)
* component[+].code = $TA#bilag-mucocutaneous
* component[=].valueCodeableConcept = $TA#bilag-b
* component[+].code = $TA#bilag-renal
* component[=].valueCodeableConcept = $TA#bilag-a
* component[+].code = $TA#bilag-haematological
* component[=].valueCodeableConcept = $TA#bilag-c
