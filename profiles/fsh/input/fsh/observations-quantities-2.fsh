// One small profile per measurement of DOMAIN.md's table: its code, its UCUM unit and a plausible range.
// Ranges are plausibility bounds (physically or physiologically possible values), not reference
// ranges: they catch unit and typing errors without refusing a sick patient's real value.

// The cell dose is per kg (DOMAIN.md); all three trials enrol adults (18-70), for whom 20-300 kg bounds typing errors.
Profile: StromaBodyWeight
Parent: StromaTrialObservation
Id: stroma-body-weight
Title: "Body weight"
Description: "Body weight in a Stroma trial. A vital sign: it must also conform to R4's core bodyweight profile (category vital-signs), which the server checks for every Observation with this code."
* code = $LOINC#29463-7
* insert QuantityIn(#kg)
* obeys stroma-body-weight-range

Invariant: stroma-body-weight-range
Description: "An adult participant weighs 20 to 300 kg."
Expression: "value.ofType(Quantity).all(value >= 20 and value <= 300)"
Severity: #error

// NCT04356287 (BMI < 18 kg/m2) exclusion; survivable adult BMI lies within 8-100.
Profile: StromaBmi
Parent: StromaTrialObservation
Id: stroma-bmi
Title: "Body mass index"
Description: "Body mass index in a Stroma trial. A vital sign: it must also conform to R4's core bmi profile (category vital-signs), which the server checks for every Observation with this code."
* code = $LOINC#39156-5
* insert QuantityIn(#kg/m2)
* obeys stroma-bmi-range

Invariant: stroma-bmi-range
Description: "BMI is 8 to 100 kg/m2."
Expression: "value.ofType(Quantity).all(value >= 8 and value <= 100)"
Severity: #error

// NCT02213705 (< 60 mmHg), NCT03562065 (< 70 mmHg) exclusions; on 100 % oxygen at sea level PaO2 stays below ~700 mmHg.
Profile: StromaPao2
Parent: StromaTrialObservation
Id: stroma-pao2
Title: "Arterial oxygen partial pressure"
Description: "Arterial oxygen partial pressure in a Stroma trial."
* code = $LOINC#2703-7
* insert QuantityIn(#mm[Hg])
* obeys stroma-pao2-range

Invariant: stroma-pao2-range
Description: "PaO2 is 0 to 800 mmHg."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 800)"
Severity: #error

// NCT02213705 and NCT03562065 (> 50 mmHg) exclusions; survivable hypercapnia stays below 200 mmHg.
Profile: StromaPaco2
Parent: StromaTrialObservation
Id: stroma-paco2
Title: "Arterial carbon dioxide partial pressure"
Description: "Arterial carbon dioxide partial pressure in a Stroma trial."
* code = $LOINC#2019-8
* insert QuantityIn(#mm[Hg])
* obeys stroma-paco2-range

Invariant: stroma-paco2-range
Description: "PaCO2 is 0 to 200 mmHg."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 200)"
Severity: #error

// NCT03562065 (>= 6 at baseline; outcomes 'min=0 to max=105').
Profile: StromaSelenaSledai
Parent: StromaTrialObservation
Id: stroma-selena-sledai
Title: "SELENA-SLEDAI"
Description: "SELENA-SLEDAI in a Stroma trial."
* code = $TA#selena-sledai
* insert QuantityIn(#{score})
* obeys stroma-selena-sledai-range

Invariant: stroma-selena-sledai-range
Description: "SELENA-SLEDAI is a whole number from 0 to 105."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 105 and value.toString().contains('.').not())"
Severity: #error

// NCT03562065 (BILAG 'min=0 to max=72').
Profile: StromaBilagTotal
Parent: StromaTrialObservation
Id: stroma-bilag-total
Title: "BILAG total score"
Description: "BILAG total score in a Stroma trial."
* code = $TA#bilag-total
* insert QuantityIn(#{score})
* obeys stroma-bilag-total-range

Invariant: stroma-bilag-total-range
Description: "The BILAG total is a whole number from 0 to 72."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 72 and value.toString().contains('.').not())"
Severity: #error

// NCT03562065 (SRI: no worsening of the physician's evaluation); the lupus PGA scale is 0-3.
Profile: StromaPhysicianGlobal
Parent: StromaTrialObservation
Id: stroma-physician-global
Title: "Physician global assessment"
Description: "Physician global assessment in a Stroma trial."
* code = $TA#physician-global
* insert QuantityIn(#{score})
* obeys stroma-physician-global-range

Invariant: stroma-physician-global-range
Description: "The physician global assessment is 0 to 3."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 3)"
Severity: #error

// NCT03562065 (SF-36v2, 'each scale is directly transformed into a 0-100 scale').
Profile: StromaSf36
Parent: StromaTrialObservation
Id: stroma-sf36
Title: "SF-36 scale score"
Description: "SF-36 scale score in a Stroma trial."
* code from Sf36Scales (required)
* insert QuantityIn(#{score})
* obeys stroma-sf36-range

Invariant: stroma-sf36-range
Description: "An SF-36 scale score is 0 to 100."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 100)"
Severity: #error

// NCT03562065 (EQ-5D); national value sets put 1 at full health and their worst states above -1 (UK 3L: -0.594).
Profile: StromaEq5dIndex
Parent: StromaTrialObservation
Id: stroma-eq5d-index
Title: "EQ-5D index"
Description: "EQ-5D index in a Stroma trial."
* code = $SCT#736534008
* insert QuantityIn(#1)
* obeys stroma-eq5d-index-range

Invariant: stroma-eq5d-index-range
Description: "The EQ-5D index is -1 to 1."
Expression: "value.ofType(Quantity).all(value >= -1 and value <= 1)"
Severity: #error

// NCT03562065 (EQ-5D); the EQ VAS runs from 0 (worst) to 100 (best imaginable health).
Profile: StromaEq5dVas
Parent: StromaTrialObservation
Id: stroma-eq5d-vas
Title: "EQ-5D visual analogue scale"
Description: "EQ-5D visual analogue scale in a Stroma trial."
* code = $SCT#736535009
* insert QuantityIn(#{score})
* obeys stroma-eq5d-vas-range

Invariant: stroma-eq5d-vas-range
Description: "The EQ VAS is 0 to 100."
Expression: "value.ofType(Quantity).all(value >= 0 and value <= 100)"
Severity: #error

// NCT03562065 (SLE with positive antinuclear antibodies); laboratories stop serial dilution well before 1:100000.
Profile: StromaAnaTiter
Parent: StromaTrialObservation
Id: stroma-ana-titer
Title: "Antinuclear antibody titer"
Description: "Antinuclear antibody titer in a Stroma trial."
* code = $LOINC#5048-4
* insert QuantityIn(#{titer})
* obeys stroma-ana-titer-range

Invariant: stroma-ana-titer-range
Description: "An ANA titer is the reciprocal dilution, 1 to 100000."
Expression: "value.ofType(Quantity).all(value >= 1 and value <= 100000)"
Severity: #error
