// One cell or placebo infusion (DOMAIN.md, "Infusions"). Placebo infusions use the same profile with the
// placebo product, so that blinding holds: nothing but the product tells them apart.
Profile: StromaInfusion
Parent: MedicationAdministration
Id: stroma-infusion
Title: "Stroma infusion"
Description: "An intravenous infusion of investigational cells or of placebo in a Stroma trial."
* subject only Reference(StromaParticipant)
// effective[x] is 1..1 in R4: the infusion's time (NCT03562065: 30 min to 1 h, so a Period is allowed).
* extension contains $STUDY_EXT named study 1..1
// The product and its lot: a Medication (usually contained) naming the product, lot, volume and vehicle.
* medication[x] only Reference(StromaInfusionProduct)
* dosage 1..1
// Every seed trial infuses intravenously (NCT04356287, NCT02213705 "intravenous", NCT03562065 "slow
// intravenous infusion"): SNOMED 47625008.
* dosage.route 1..1
* dosage.route = $SCT#47625008
// The total cell count (0 for placebo), in UCUM {cells}.
* dosage.dose 1..1
* dosage.dose.value 1..1
* dosage.dose.system 1..1
* dosage.dose.system = $UCUM (exactly)
* dosage.dose.code 1..1
* dosage.dose.code = #{cells} (exactly)
* dosage.dose obeys stroma-cells-whole
// Dose per kg body weight (1, 2, 3 or 4 x10^6 cells/kg in the seed trials): on every cell infusion, and
// on none of placebo, whose dose is 0 cells (dose-per-kg is positive by its own definition).
* dosage.extension contains $DOSE_PER_KG named dosePerKg 0..1
* obeys stroma-cells-have-dose-per-kg
// The body-weight Observation the dose was computed from.
* supportingInformation 1..*
* supportingInformation only Reference(StromaBodyWeight)

Invariant: stroma-cells-have-dose-per-kg
Description: "An infusion of cells (dose above 0 cells) states its dose per kg; a placebo infusion (0 cells) does not."
Expression: "dosage.all((dose.value > 0) = extension.where(url = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg').exists())"
Severity: #error

Invariant: stroma-cells-whole
Description: "A cell count is a whole number, at most 10^10 (4 x10^6 cells/kg for a 300 kg body is 1.2 x10^9)."
Expression: "value >= 0 and value <= 10000000000 and value.toString().contains('.').not()"
Severity: #error

// The infused product as prepared for one infusion: what it is, its lot, its volume and its vehicle.
// NCT04356287: "1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A"; placebo: "50 ml of PlasmaLyte A".
Profile: StromaInfusionProduct
Parent: Medication
Id: stroma-infusion-product
Title: "Stroma infusion product"
Description: "A prepared cell or placebo product: name, lot, volume and vehicle."
* code 1..1
* code.text 1..1
// Traceability of cell products requires the lot (and placebo bags carry one too, for blinding).
* batch 1..1
* batch.lotNumber 1..1
// The volume infused: amount's numerator in mL per one product.
* amount 1..1
* amount.numerator 1..1
* amount.numerator.value 1..1
* amount.numerator.system = $UCUM (exactly)
* amount.numerator.code = #mL (exactly)
* ingredient 1..*
* ingredient.isActive 1..1
* obeys stroma-product-vehicle

Invariant: stroma-product-vehicle
Description: "The vehicle (e.g. PlasmaLyte A) is an ingredient that is not active."
Expression: "ingredient.where(isActive = false).exists()"
Severity: #error
