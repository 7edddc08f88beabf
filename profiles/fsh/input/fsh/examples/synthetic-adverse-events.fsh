// Farge et al. 2022 (seed 004, NCT02213705) report "three infusion-related adverse events ... in the
// first 10 days after treatment; one patient had grade 1 flushing". The example below is that kind of
// event for a synthetic participant: the patient, dates and outcome are synthetic, not the trial's.
Instance: synthetic-ae-flushing
InstanceOf: AdverseEventClinicalResearch
Usage: #example
Title: "Synthetic grade 1 flushing after an infusion"
Description: "A non-serious, infusion-related grade 1 flushing (synthetic participant, dates and outcome)."
* meta.security = $ACT_REASON#HTEST "test health data"
* actuality = #actual
* subject = Reference(synthetic-participant-1)
* study = Reference(nct04356287)
* event = $MDR#10016825 "Flushing"
* event.text = "Flushing"
* date = "2026-03-02T10:15:00Z"
* seriousness = $AE_SERIOUSNESS#non-serious "Non-serious"
* outcome.coding[+] = http://terminology.hl7.org/CodeSystem/adverse-event-outcome#resolved "Resolved"
* outcome.coding[+] = $NCIT#C49498 "Recovered or Resolved"
* extension[ae-grade].valueCodeableConcept = $NCIT#C41338 "Grade 1 Mild Adverse Event"
* extension[suspect-entity].extension[instance].valueReference = Reference(synthetic-ucmsc-infusion-1)
* extension[suspect-entity].extension[causality].extension[entityRelatedness].valueCodeableConcept = $NCIT#C53260 "Related"
* extension[expected-in-research-study].valueBoolean = true
* extension[resolve-date].valueDateTime = "2026-03-02T12:00:00Z"
* extension[research-subject-ref].valueReference = Reference(synthetic-subject-1)

// A serious event with its criterion, for the seriousness invariant: entirely synthetic (the abstract
// reports 36 non-treatment-related severe adverse events without detail).
Instance: synthetic-ae-serious
InstanceOf: AdverseEventClinicalResearch
Usage: #example
Title: "Synthetic serious adverse event with hospitalization"
Description: "A synthetic grade 3 pneumonia requiring hospitalization, not related to the infusion."
* meta.security = $ACT_REASON#HTEST "test health data"
* actuality = #actual
* subject = Reference(synthetic-participant-1)
* study = Reference(nct04356287)
* event = $MDR#10035664 "Pneumonia"
* event.text = "Pneumonia"
* date = "2026-08-10"
* seriousness = $AE_SERIOUSNESS#serious "Serious"
* outcome.coding[+] = http://terminology.hl7.org/CodeSystem/adverse-event-outcome#recovering "Recovering"
* outcome.coding[+] = $NCIT#C49496 "Recovering or Resolving"
* extension[ae-grade].valueCodeableConcept = $NCIT#C41340 "Grade 3 Severe Adverse Event"
* extension[seriousness-criteria].extension[criterionCode].valueCodeableConcept = $NCIT#C83052 "Hospitalization"
* extension[seriousness-criteria].extension[criterionPresent].valueBoolean = true
* extension[suspect-entity].extension[instance].valueReference = Reference(synthetic-ucmsc-infusion-1)
* extension[suspect-entity].extension[causality].extension[entityRelatedness].valueCodeableConcept = $NCIT#C53256 "Not Related"
