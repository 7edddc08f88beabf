// A synthetic participant of NCT04356287 and the data recorded for them. Nothing about this person is
// real: every such resource carries the security label HTEST (test health data), and its description
// says so. Trial facts (arms, dose, volume, vehicle, route) are the seed documents'.
RuleSet: Synthetic
* meta.security = $ACT_REASON#HTEST "test health data"

Instance: synthetic-participant-1
InstanceOf: StromaParticipant
Usage: #example
Title: "Synthetic participant"
Description: "A synthetic study participant (not a real person)."
* insert Synthetic
* identifier.system = "https://stroma-fhir.org/fhir/synthetic-participant-id"
* identifier.value = "SYN-0001"
* gender = #female
* birthDate = "1970"

Instance: synthetic-subject-1
InstanceOf: StromaResearchSubject
Usage: #example
Title: "Synthetic enrolment in NCT04356287"
Description: "The synthetic participant's enrolment, on study in the one-infusion arm (synthetic assignment)."
* insert Synthetic
* status = #on-study
* study = Reference(nct04356287)
* individual = Reference(synthetic-participant-1)
* assignedArm = "One infusion of UCMSC"
* consent = Reference(Consent/synthetic-consent-1)

Instance: synthetic-weight-1
InstanceOf: StromaBodyWeight
Usage: #example
Title: "Synthetic body weight"
Description: "The synthetic participant's weight on the day of the first infusion (synthetic value)."
* insert Synthetic
* status = #final
// R4 requires body weights to conform to the core vital signs profile (observation.html#vitals),
// which requires this category.
* category = $OBS_CATEGORY#vital-signs
* code = $LOINC#29463-7 "Body weight"
* subject = Reference(synthetic-participant-1)
* effectiveDateTime = "2026-03-02T08:30:00Z"
* extension[study].valueReference = Reference(nct04356287)
* valueQuantity = 62 'kg' "kg"

// NCT04356287: "1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A", so 62 x10^6 cells for 62 kg.
Instance: synthetic-ucmsc-infusion-1
InstanceOf: StromaInfusion
Usage: #example
Title: "Synthetic UCMSC infusion at month 0"
Description: "A cell infusion of the one-infusion arm at month 0 (synthetic participant, time and lot)."
* insert Synthetic
* status = #completed
* subject = Reference(synthetic-participant-1)
* effectivePeriod.start = "2026-03-02T09:00:00Z"
* effectivePeriod.end = "2026-03-02T09:45:00Z"
* extension[study].valueReference = Reference(nct04356287)
* contained[0] = synthetic-ucmsc-product-1
* medicationReference = Reference(synthetic-ucmsc-product-1)
* dosage.route = $SCT#47625008 "Intravenous route"
* dosage.dose = 62000000 '{cells}' "cells"
* dosage.extension[dosePerKg].valueQuantity = 1000000 '{cells}/kg' "cells/kg"
* supportingInformation = Reference(synthetic-weight-1)

Instance: synthetic-ucmsc-product-1
InstanceOf: StromaInfusionProduct
Usage: #inline
* code.text = "UCMSC (umbilical cord-derived mesenchymal stromal cells)"
* batch.lotNumber = "SYN-LOT-0001"
* amount.numerator = 50 'mL' "mL"
* amount.denominator = 1 '{bag}' "bag"
* ingredient[+].itemCodeableConcept.text = "UCMSC"
* ingredient[=].isActive = true
* ingredient[+].itemCodeableConcept.text = "PlasmaLyte A"
* ingredient[=].isActive = false

// NCT04356287: "Each placebo infusion will consist of 50 ml of PlasmaLyte A."
Instance: synthetic-placebo-infusion-1
InstanceOf: StromaInfusion
Usage: #example
Title: "Synthetic placebo infusion at month 3"
Description: "The one-infusion arm's placebo at month 3 (synthetic participant, time and lot)."
* insert Synthetic
* status = #completed
* subject = Reference(synthetic-participant-1)
* effectiveDateTime = "2026-06-01T09:00:00Z"
* extension[study].valueReference = Reference(nct04356287)
* contained[0] = synthetic-placebo-product-1
* medicationReference = Reference(synthetic-placebo-product-1)
* dosage.route = $SCT#47625008 "Intravenous route"
* dosage.dose = 0 '{cells}' "cells"
* supportingInformation = Reference(synthetic-weight-1)

Instance: synthetic-placebo-product-1
InstanceOf: StromaInfusionProduct
Usage: #inline
* code.text = "Placebo (PlasmaLyte A)"
* batch.lotNumber = "SYN-LOT-0002"
* amount.numerator = 50 'mL' "mL"
* amount.denominator = 1 '{bag}' "bag"
* ingredient[+].itemCodeableConcept.text = "PlasmaLyte A"
* ingredient[=].isActive = false
