// One small profile per measurement of DOMAIN.md's table: its code, its UCUM unit and a plausible range.
// Ranges are plausibility bounds (physically or physiologically possible values), not reference
// ranges: they catch unit and typing errors without refusing a sick patient's real value.

// NCT04356287 and NCT02213705 (mRss eligibility, M0-M12 outcome); range 0-51 from Farge 2022 and Khanna 2017.
Profile: StromaMrss
Parent: StromaTrialObservation
Id: stroma-mrss
Title: "Modified Rodnan skin score"
Description: "Modified Rodnan skin score in a Stroma trial."
* code = $TA#mrss
* insert QuantityIn(#{score})
* obeys stroma-mrss-range

Invariant: stroma-mrss-range
Description: "mRSS is a whole number from 0 to 51 (17 areas scored 0-3)."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 51 and value.toString().contains('.').not())"
Severity: #error

// NCT04356287 inclusion (ESR > 25 mm); a Westergren tube is 200 mm long, so 200 mm/h is a physical maximum.
Profile: StromaEsr
Parent: StromaTrialObservation
Id: stroma-esr
Title: "Erythrocyte sedimentation rate (Westergren)"
Description: "Erythrocyte sedimentation rate (Westergren) in a Stroma trial."
* code = $LOINC#4537-7
* insert QuantityIn(#mm/h)
* obeys stroma-esr-range

Invariant: stroma-esr-range
Description: "ESR is 0 to 200 mm/h."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 200)"
Severity: #error

// NCT04356287 (hemoglobin < 11 g/dL) and the anemia < 8 g/dL exclusions; bounds are survivable extremes (severe anemia ~2 g/dL, polycythemia ~25 g/dL).
Profile: StromaHemoglobin
Parent: StromaTrialObservation
Id: stroma-hemoglobin
Title: "Hemoglobin"
Description: "Hemoglobin in a Stroma trial."
* code = $LOINC#718-7
* insert LabQuantity
* obeys stroma-hemoglobin-range

Invariant: stroma-hemoglobin-range
Description: "Hemoglobin in g/dL (1-25) or g/L (10-250)."
Expression: "value.ofType(Quantity).all((code = 'g/dL' and value >= 1 and value <= 25) or (code = 'g/L' and value >= 10 and value <= 250))"
Severity: #error

// NCT04356287 (DLCO < 80 %, < 30 %), NCT02213705 (DLCO < 60 %); values above 150 % predicted are not seen in practice, 200 % leaves a margin.
Profile: StromaDlcoPercent
Parent: StromaTrialObservation
Id: stroma-dlco-percent
Title: "DLCO % predicted"
Description: "DLCO % predicted in a Stroma trial."
* code = $LOINC#98130-8
* insert QuantityIn(#%)
* obeys stroma-percent-predicted-range

Invariant: stroma-percent-predicted-range
Description: "A percent of predicted lung function is 0 to 200 %."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 200)"
Severity: #error

// NCT04356287 (FVC < 80 %, < 45 %), NCT02213705 (FVC <= 70 %).
Profile: StromaFvcPercent
Parent: StromaTrialObservation
Id: stroma-fvc-percent
Title: "FVC % predicted"
Description: "FVC % predicted in a Stroma trial."
* code = $LOINC#19872-1
* insert QuantityIn(#%)
* obeys stroma-percent-predicted-range

// NCT04356287 (CKD stage 2-3, GFR 30-89; exclusion < 30); CKD-EPI rarely exceeds 150, 200 covers hyperfiltration.
Profile: StromaEgfr
Parent: StromaTrialObservation
Id: stroma-egfr
Title: "Estimated glomerular filtration rate"
Description: "Estimated glomerular filtration rate in a Stroma trial."
* code from EgfrCodes (required)
* insert QuantityIn(#mL/min/{1.73_m2})
* obeys stroma-egfr-range

Invariant: stroma-egfr-range
Description: "eGFR is 0 to 200 mL/min/1.73m2."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 200)"
Severity: #error

// NCT03562065 (< 30 ml/min) and NCT02213705 (< 20 ml/mn/m2) exclusions; Cockcroft-Gault above 300 mL/min is a data error.
Profile: StromaCreatinineClearance
Parent: StromaTrialObservation
Id: stroma-creatinine-clearance
Title: "Creatinine clearance"
Description: "Creatinine clearance in a Stroma trial."
* code from CreatinineClearanceCodes (required)
* insert QuantityIn(#mL/min)
* obeys stroma-creatinine-clearance-range

Invariant: stroma-creatinine-clearance-range
Description: "Creatinine clearance is 0 to 300 mL/min."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 300)"
Severity: #error

// NCT04356287 (< 40 %), NCT02213705 (< 35 %) exclusions; a fraction of volume cannot exceed 100 %.
Profile: StromaLvef
Parent: StromaTrialObservation
Id: stroma-lvef
Title: "Left ventricular ejection fraction"
Description: "Left ventricular ejection fraction in a Stroma trial."
* code = $LOINC#10230-1
* insert QuantityIn(#%)
* obeys stroma-lvef-range

Invariant: stroma-lvef-range
Description: "LVEF is 0 to 100 %."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 100)"
Severity: #error

// NCT04356287 (> 50 mmHg), NCT02213705 (> 55, > 40 mmHg) exclusions; systemic-level pulmonary pressures stay below 200 mmHg.
Profile: StromaPasp
Parent: StromaTrialObservation
Id: stroma-pasp
Title: "Pulmonary artery systolic pressure"
Description: "Pulmonary artery systolic pressure in a Stroma trial."
* code = $LOINC#8440-0
* insert QuantityIn(#mm[Hg])
* obeys stroma-pasp-range

Invariant: stroma-pasp-range
Description: "PASP is 0 to 200 mmHg."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 200)"
Severity: #error

// NCT04356287 (> 3x normal), NCT03562065 (> 2x normal) exclusions; acute liver failure reaches the low 10,000s U/L.
Profile: StromaAst
Parent: StromaTrialObservation
Id: stroma-ast
Title: "Aspartate aminotransferase"
Description: "Aspartate aminotransferase in a Stroma trial."
* code = $LOINC#1920-8
* insert QuantityIn(#U/L)
* obeys stroma-aminotransferase-range

Invariant: stroma-aminotransferase-range
Description: "An aminotransferase is 0 to 20000 U/L."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 20000)"
Severity: #error

// As AST.
Profile: StromaAlt
Parent: StromaTrialObservation
Id: stroma-alt
Title: "Alanine aminotransferase"
Description: "Alanine aminotransferase in a Stroma trial."
* code = $LOINC#1742-6
* insert QuantityIn(#U/L)
* obeys stroma-aminotransferase-range

// NCT02213705 (bilirubin > 3x normal) exclusion; 50 mg/dL (855 umol/L) is beyond the worst cholestasis reported in adults.
Profile: StromaBilirubin
Parent: StromaTrialObservation
Id: stroma-bilirubin
Title: "Total bilirubin"
Description: "Total bilirubin in a Stroma trial."
* code = $LOINC#1975-2
* insert LabQuantity
* obeys stroma-bilirubin-range

Invariant: stroma-bilirubin-range
Description: "Total bilirubin in mg/dL (0-50) or umol/L (0-855)."
Expression: "value.ofType(Quantity).all((code = 'mg/dL' and value >= 0 and value <= 50) or (code = 'umol/L' and value >= 0 and value <= 855))"
Severity: #error

// Neutropenia < 0.5 x10^9/L exclusions of all three trials; above 100 x10^9/L is leukaemic, not a trial value.
Profile: StromaNeutrophils
Parent: StromaTrialObservation
Id: stroma-neutrophils
Title: "Neutrophils"
Description: "Neutrophils in a Stroma trial."
* code = $LOINC#751-8
* insert LabQuantity
* obeys stroma-neutrophils-range

Invariant: stroma-neutrophils-range
Description: "Neutrophils in 10*9/L or 10*3/uL (the same scale), 0 to 100."
Expression: "value.ofType(Quantity).all((code = '10*9/L' or code = '10*3/uL') and value >= 0 and value <= 100)"
Severity: #error

// Thrombocytopenia < 30 / < 50 x10^9/L exclusions; extreme thrombocytosis stays below 2000 x10^9/L.
Profile: StromaPlatelets
Parent: StromaTrialObservation
Id: stroma-platelets
Title: "Platelets"
Description: "Platelets in a Stroma trial."
* code = $LOINC#777-3
* insert LabQuantity
* obeys stroma-platelets-range

Invariant: stroma-platelets-range
Description: "Platelets in 10*9/L or 10*3/uL, 0 to 2000."
Expression: "value.ofType(Quantity).all((code = '10*9/L' or code = '10*3/uL') and value >= 0 and value <= 2000)"
Severity: #error

// CD4 lymphopenia < 200 x10^6/L exclusions of all three trials; adult counts stay below 5000/uL.
Profile: StromaCd4
Parent: StromaTrialObservation
Id: stroma-cd4
Title: "CD4 T cell count"
Description: "CD4 T cell count in a Stroma trial."
* code = $LOINC#24467-3
* insert LabQuantity
* obeys stroma-cd4-range

Invariant: stroma-cd4-range
Description: "CD4 count in 10*6/L or /uL (the same scale), 0 to 5000."
Expression: "value.ofType(Quantity).all((code = '10*6/L' or code = '/uL') and value >= 0 and value <= 5000)"
Severity: #error

