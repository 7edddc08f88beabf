// Extensions of the project (canonical https://stroma-fhir.org/fhir), used by the published data
// contract in ../shared/design/DOMAIN.md: URLs, types and units exactly as it gives them.

Extension: DosePerKg
Id: dose-per-kg
Title: "Dose per kg body weight"
Description: "A cell dose per kilogram of body weight, in UCUM {cells}/kg (1000000 for 1 x10^6 cells/kg). On a ResearchStudy.arm: the dose the arm plans to infuse (one arm per dose cohort in a dose-escalation study). On a MedicationAdministration.dosage: the dose per kg given, next to the total cell count in dosage.dose, computed from the body weight the supportingInformation Observation records."
Context: ResearchStudy.arm, MedicationAdministration.dosage
* ^publisher = "Stroma"
// DOMAIN.md, "Infusions": valueQuantity in UCUM {cells}/kg. A dose without a number or with another
// unit could not be compared across arms and trials, so both are required and the unit is fixed.
* value[x] only Quantity
* value[x] 1..1
* valueQuantity.value 1..1
* valueQuantity.system 1..1
* valueQuantity.system = "http://unitsofmeasure.org" (exactly)
* valueQuantity.code 1..1
* valueQuantity.code = #{cells}/kg (exactly)
// A dose per kg is a positive amount; a comparator (<, >) would not say which dose was given.
* valueQuantity.comparator 0..0
* obeys dose-per-kg-positive

Invariant: dose-per-kg-positive
Description: "The dose per kg is greater than zero"
Severity: #error
Expression: "value.ofType(Quantity).value > 0"

// Issue 7 point 3: a dose-escalation study fills its dose cohorts in order of dose. How many subjects a
// cohort takes is the protocol's (NCT02213705: "the first ten recipients ... the subsequent ten"); a
// cohort without a size stays open until the investigators name the next one to $randomize.
Extension: CohortSize
Id: cohort-size
Title: "Dose cohort size"
Description: "On a ResearchStudy.arm of a dose-escalation study: how many subjects the cohort takes before the next dose opens."
Context: ResearchStudy.arm
* ^publisher = "Stroma"
* value[x] only positiveInt
* value[x] 1..1

Extension: SearchParameterAlsoVia
Id: search-parameter-also-via
Title: "Search parameter also matching through a chain"
Description: "On a SearchParameter: a chained parameter name without its value (for example subject:Patient._has:ResearchSubject:individual:study). A search by the parameter matches a resource whose own element matches, or whose chain does. The server checks at start that the chain can be followed from every base and ends at a parameter of the same type."
Context: SearchParameter
* ^publisher = "Stroma"
* value[x] only string
* value[x] 1..1
