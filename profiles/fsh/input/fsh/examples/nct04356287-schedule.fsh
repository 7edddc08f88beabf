// NCT04356287's visits as its seed documents give them: infusions at months 0 and 3 (cells or placebo
// by arm), the primary safety measure at month 1 and the mRSS at months 0 and 12. The documents give
// no visit windows, so none is stated here (see nct02213705-schedule.fsh for a window).
Instance: nct04356287-protocol
InstanceOf: StromaStudyProtocol
Usage: #example
Title: "NCT04356287 schedule of activities"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-protocol"
* title = "NCT04356287 schedule of activities"
* status = #active
* type = $PLAN_TYPE#clinical-protocol
* action[+].id = "m0"
* action[=].title = "Month 0"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m0"
* action[+].id = "m1"
* action[=].title = "Month 1"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m1"
* action[=].relatedAction.actionId = "m0"
* action[=].relatedAction.relationship = #after
* action[=].relatedAction.offsetDuration = 1 'mo'
* action[+].id = "m3"
* action[=].title = "Month 3"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m3"
* action[=].relatedAction.actionId = "m0"
* action[=].relatedAction.relationship = #after
* action[=].relatedAction.offsetDuration = 3 'mo'
* action[+].id = "m12"
* action[=].title = "Month 12"
* action[=].definitionCanonical = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m12"
* action[=].relatedAction.actionId = "m0"
* action[=].relatedAction.relationship = #after
* action[=].relatedAction.offsetDuration = 12 'mo'

Instance: nct04356287-m0
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT04356287 month 0"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m0"
* title = "Month 0: first infusion"
* status = #active
* action[+].title = "Modified Rodnan skin score"
* action[+].title = "UCMSC infusion, 1 million UCMSC/kg in 50 mL PlasmaLyte A"
* action[=].condition.kind = #applicability
* action[=].condition.expression.language = #text/fhirpath
* action[=].condition.expression.expression = "%subject.assignedArm in ('Two infusions of UCMSC' | 'One infusion of UCMSC')"
* action[+].title = "Placebo infusion, 50 mL PlasmaLyte A"
* action[=].condition.kind = #applicability
* action[=].condition.expression.language = #text/fhirpath
* action[=].condition.expression.expression = "%subject.assignedArm = 'Placebo infusions'"

Instance: nct04356287-m1
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT04356287 month 1"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m1"
* title = "Month 1: safety one month after first infusion"
* status = #active
* action[+].title = "Treatment related severe adverse events (CTCAE v5.0)"

Instance: nct04356287-m3
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT04356287 month 3"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m3"
* title = "Month 3: second infusion"
* status = #active
* action[+].title = "UCMSC infusion, 1 million UCMSC/kg in 50 mL PlasmaLyte A"
* action[=].condition.kind = #applicability
* action[=].condition.expression.language = #text/fhirpath
* action[=].condition.expression.expression = "%subject.assignedArm = 'Two infusions of UCMSC'"
* action[+].title = "Placebo infusion, 50 mL PlasmaLyte A"
* action[=].condition.kind = #applicability
* action[=].condition.expression.language = #text/fhirpath
* action[=].condition.expression.expression = "%subject.assignedArm in ('Placebo infusions' | 'One infusion of UCMSC')"

Instance: nct04356287-m12
InstanceOf: StromaStudyVisit
Usage: #example
Title: "NCT04356287 month 12"
* url = "https://stroma-fhir.org/fhir/PlanDefinition/nct04356287-m12"
* title = "Month 12: skin score"
* status = #active
* action[+].title = "Modified Rodnan skin score"
