// NCT04356287 (CARE-SSc) as its seed documents give it: 000_d8ca032562a419a4.txt (registry record)
// and 002_f47fc6cf1ed2cfca.txt (patient-facing summary). Nothing here goes beyond them; where they are
// silent (dates, visit windows) the field is left out.
Instance: nct04356287
InstanceOf: StromaResearchStudy
Usage: #example
Title: "NCT04356287: UCMSC in systemic sclerosis"
Description: "Phase 1, randomized, double-blind, placebo-controlled, three arms, 18 patients in 3 blocks of 6."
* identifier[nct].system = "https://clinicaltrials.gov"
* identifier[nct].value = "NCT04356287"
* title = "Treatment With Human Umbilical Cord-derived Mesenchymal Stromal Cells in Systemic Sclerosis"
// "Recruiting"
* status = #active
* phase = $PHASE#phase-1
// "to test the safety and efficacy of UCMSC for the treatment of Systemic Sclerosis"
* primaryPurposeType = $PURPOSE#treatment
* condition = $SCT#89155008 "Systemic sclerosis"
* condition.text = "Sclerosis, Systemic"
* description = "The purpose of this study is to test the safety and efficacy of Umbilical Cord-derived Mesenchymal Stromal Cells (UCMSC) for the treatment of Systemic Sclerosis (SSc)."
* enrollment.reference = "Group/nct04356287-enrollment"
* enrollment.display = "Target recruitment: 18"
* sponsor.display = "Marie Hudson, MD"
* site.display = "Sir Mortimer B. Davis Jewish General Hospital, Montreal, Quebec, Canada"
* protocol = Reference(nct04356287-protocol)
* arm[+].name = "Two infusions of UCMSC"
* arm[=].type = $ARM_TYPE#experimental
* arm[=].description = "Patients receive one intravenous infusion of UCMSC at month 0 and one intravenous infusion of UCMSC at month 3. Each experimental infusion will consist of 1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A."
* arm[=].extension[dosePerKg].valueQuantity = 1000000 '{cells}/kg'
* arm[+].name = "Placebo infusions"
* arm[=].type = $ARM_TYPE#placebo-comparator
* arm[=].description = "Patients receive intravenous placebo infusions at months 0 and 3. Each placebo infusion will consist of 50 ml of PlasmaLyte A."
* arm[+].name = "One infusion of UCMSC"
* arm[=].type = $ARM_TYPE#experimental
* arm[=].description = "Patients receive one intravenous infusion of UCMSC at month 0 and one intravenous infusion of placebo at month 3. Each experimental infusion will consist of 1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A. Each placebo infusion will consist of a similar volume of PlasmaLyte A."
* arm[=].extension[dosePerKg].valueQuantity = 1000000 '{cells}/kg'
* objective[+].name = "Safety of UCMSC"
* objective[=].type = $OBJECTIVE_TYPE#primary
* objective[+].name = "Efficacy of UCMSC"
* objective[=].type = $OBJECTIVE_TYPE#secondary
* extension[allocation].valueCodeableConcept = CtgovAllocation#RANDOMIZED
* extension[masking].valueCodeableConcept = CtgovMasking#DOUBLE
* extension[randomization].extension[blockSize].valuePositiveInt = 6
* extension[randomization].extension[blockCount].valuePositiveInt = 3
* extension[randomization].extension[armWeight][+].extension[arm].valueString = "Placebo infusions"
* extension[randomization].extension[armWeight][=].extension[weight].valuePositiveInt = 2
* extension[randomization].extension[armWeight][+].extension[arm].valueString = "One infusion of UCMSC"
* extension[randomization].extension[armWeight][=].extension[weight].valuePositiveInt = 2
* extension[randomization].extension[armWeight][+].extension[arm].valueString = "Two infusions of UCMSC"
* extension[randomization].extension[armWeight][=].extension[weight].valuePositiveInt = 2
* extension[randomization].extension[description].valueMarkdown = "18 patients in 3 successive blocks of 6, randomized 2:2:2 within each block. Blocks 2 and 3 are randomized only in the absence of TRSAE one month after the first infusion of all 6 patients of the previous block."
* extension[outcomeMeasure][+].extension[name].valueString = "Measure of safety one month after first infusion"
* extension[outcomeMeasure][=].extension[type].valueCodeableConcept = $OBJECTIVE_TYPE#primary
* extension[outcomeMeasure][=].extension[description].valueMarkdown = "Treatment related severe adverse event using the NCI Common Terminology Criteria for Adverse Events (CTCAE) v5.0 classification"
* extension[outcomeMeasure][=].extension[timeFrame].valueString = "Month 1"
* extension[outcomeMeasure][+].extension[name].valueString = "Change in modified Rodnan skin score (mRss) between Month 0 and Month 12"
* extension[outcomeMeasure][=].extension[type].valueCodeableConcept = $OBJECTIVE_TYPE#secondary
* extension[outcomeMeasure][=].extension[description].valueMarkdown = "A measure of skin thickness; difference between Month 12 and Month 0 on the mRss [Khanna et al., 2017]"
* extension[outcomeMeasure][=].extension[timeFrame].valueString = "Month 0 and Month 12"
