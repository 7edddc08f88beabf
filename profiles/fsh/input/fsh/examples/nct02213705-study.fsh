// NCT02213705 as its seed documents give it: 001_2c57c1d857807252.txt (registry record) and
// 004_640554d0cf3e1c5a.txt (Farge et al., Lancet Rheumatol 2022). One arm per dose cohort (DOMAIN.md);
// the arm names are Stroma's, the cohorts and doses the abstract's.
Instance: nct02213705
InstanceOf: StromaResearchStudy
Usage: #example
Title: "NCT02213705: bone marrow MSC in severe systemic sclerosis"
Description: "Phase 1/2, single group, open label, dose escalation 1 then 3 x10^6 cells/kg, 20 patients."
* identifier[nct].system = "https://clinicaltrials.gov"
* identifier[nct].value = "NCT02213705"
* title = "Treatment of Refractory Sever Systemic Scleroderma by Injection of Allogeneic Mesenchymal Stem Cells"
* status = #completed
* phase = $PHASE#phase-1-phase-2
* primaryPurposeType = $PURPOSE#treatment
* condition = $SCT#89155008 "Systemic sclerosis"
* condition.text = "SYSTEMIC SCLERODERMA"
* description = "The main ailm of this phase I-II study is to evaluate toxicity and efficacy of allogenic mesenchymal stem cell therapy to treat severe systemic sclerosis."
* period.start = "2014-05-06"
* period.end = "2022-06-16"
* enrollment.reference = "Group/nct02213705-enrollment"
* enrollment.display = "Total enrollment: 20 participants"
* sponsor.display = "Assistance Publique - Hôpitaux de Paris"
* site.display = "Saint-Louis Hospital, Paris, France"
* protocol = Reference(nct02213705-protocol)
* arm[+].name = "Cohort 1: 1 x10^6 MSC/kg"
* arm[=].type = $ARM_TYPE#experimental
* arm[=].description = "The first ten recipients receive a single intravenous infusion of 1 x10^6 allogeneic bone marrow-derived mesenchymal stromal cells per kg bodyweight."
* arm[=].extension[dosePerKg].valueQuantity = 1000000 '{cells}/kg'
* arm[+].name = "Cohort 2: 3 x10^6 MSC/kg"
* arm[=].type = $ARM_TYPE#experimental
* arm[=].description = "The subsequent ten recipients receive a single intravenous infusion of 3 x10^6 allogeneic bone marrow-derived mesenchymal stromal cells per kg bodyweight."
* arm[=].extension[dosePerKg].valueQuantity = 3000000 '{cells}/kg'
* objective[+].name = "Toxicity of allogeneic MSC"
* objective[=].type = $OBJECTIVE_TYPE#primary
* objective[+].name = "Efficacy of allogeneic MSC"
* objective[=].type = $OBJECTIVE_TYPE#secondary
* extension[allocation].valueCodeableConcept = CtgovAllocation#NA
* extension[masking].valueCodeableConcept = CtgovMasking#NONE
* extension[outcomeMeasure][+].extension[name].valueString = "Immediate tolerance"
* extension[outcomeMeasure][=].extension[type].valueCodeableConcept = $OBJECTIVE_TYPE#primary
* extension[outcomeMeasure][=].extension[description].valueMarkdown = "Occurrence of serious adverse events (grade 3 or higher) in all infused patients."
* extension[outcomeMeasure][=].extension[timeFrame].valueString = "During infusion and within the first 10 days after infusion"
