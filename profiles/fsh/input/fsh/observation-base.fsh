// The common parent of every trial measurement (DOMAIN.md, "Observations: codes and units"): who, when,
// and optionally for which study. EHR labs arrive without the study extension and reach the study
// through the patient's enrolment (profiles/README.md), so the link is optional.
Profile: StromaTrialObservation
Parent: Observation
Id: stroma-trial-observation
Title: "Stroma trial observation"
Description: "Common constraints of every measurement in a Stroma trial; each measurement has a child profile."
* ^abstract = true
* subject 1..1
* subject only Reference(Patient)
// Visit windows and outcome time frames are computed from the measurement's time.
* effective[x] 1..1
* effective[x] only dateTime or Period
* extension contains $STUDY_EXT named study 0..1

// One quantity measured in one UCUM unit (scores, functional tests).
RuleSet: QuantityIn(code)
* value[x] only Quantity
* valueQuantity.value 1..1
* valueQuantity.system 1..1
* valueQuantity.system = $UCUM (exactly)
* valueQuantity.code 1..1
* valueQuantity.code = {code} (exactly)

// A lab quantity: UCUM, in any unit the invariant named accepts (DOMAIN.md: hospital labs arrive in
// other units and are stored as received; the invariant bounds the value in each accepted unit).
RuleSet: LabQuantity
* value[x] only Quantity
* valueQuantity.value 1..1
* valueQuantity.system 1..1
* valueQuantity.system = $UCUM (exactly)
* valueQuantity.code 1..1
