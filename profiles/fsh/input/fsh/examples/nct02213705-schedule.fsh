// NCT02213705 as Farge et al. (Lancet Rheumatol 2022, seed 004_640554d0cf3e1c5a.txt) report it: one
// infusion, "immediate tolerance during infusion and within the first 10 days after infusion", and a
// "24-month follow-up period". The day-10 tolerance assessment covers days 0-10 after the infusion,
// which is the window below; the abstract gives no window for month 24, so none is stated.
Instance: nct02213705-protocol
InstanceOf: StromaStudyProtocol
Usage: #example
Title: "NCT02213705 schedule of activities"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-protocol"
* title = "NCT02213705 schedule of activities"
* status = #active
* type = $PLAN_TYPE#clinical-protocol
* action[+].id = "d0"
* action[=].title = "Day 0: infusion"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-d0"
* action[+].id = "d10"
* action[=].title = "Day 10: immediate tolerance"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-d10"
* action[=].relatedAction.actionId = "d0"
* action[=].relatedAction.relationship = #after
* action[=].relatedAction.offsetDuration = 10 'd'
* action[=].relatedAction.extension[window].valueRange.low = 0 'd'
* action[=].relatedAction.extension[window].valueRange.high = 10 'd'
* action[+].id = "m24"
* action[=].title = "Month 24: end of follow-up"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-m24"
* action[=].relatedAction.actionId = "d0"
* action[=].relatedAction.relationship = #after
* action[=].relatedAction.offsetDuration = 24 'mo'

Instance: nct02213705-d0
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT02213705 day 0"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-d0"
* title = "Day 0: single intravenous infusion of bone marrow-derived MSC (1 or 3 x10^6 cells/kg by cohort)"
* status = #active
* action[+].title = "Allogeneic bone marrow-derived MSC infusion"

Instance: nct02213705-d10
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT02213705 day 10"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-d10"
* title = "Day 10: immediate tolerance (serious adverse events grade 3 or higher)"
* status = #active
* action[+].title = "Adverse events since the infusion (CTCAE)"

Instance: nct02213705-m24
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT02213705 month 24"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct02213705-m24"
* title = "Month 24: end of safety follow-up"
* status = #active
* action[+].title = "Adverse events (CTCAE)"
