// How a trial's eligibility criteria that one plain Group.characteristic cannot express are encoded
// (issue 7 point 2, evaluated by ResearchStudy/$eligibility). Plain characteristics stay plain: an
// Observation code with a comparator, value and UCUM unit, age (SNOMED 424144002, valueRange) and sex.
// Relative to normal: a valueQuantity in the UCUM unit {ULN} means "times the upper limit of normal",
// the referenceRange.high of the Observation compared (ALT > 3 {ULN}).

Extension: CriterionAnyOf
Id: criterion-any-of
Title: "Eligibility criterion with alternatives"
Description: "On a Group.characteristic that is one condition of a criterion with alternatives (a disjunction of conjunctions): the characteristics with the same `group` form one criterion, which holds when, for some `alternative`, every characteristic of that alternative holds. All characteristics of a group have the same `exclude`. A nested alternative is written out: (A and (B or C)) or D is the alternatives A-B, A-C and D."
Context: Group.characteristic
* ^publisher = "Stroma"
* extension contains group 1..1 and alternative 1..1
* extension[group] ^short = "The criterion this characteristic belongs to (the same string on each of its characteristics)"
* extension[group].value[x] only string
* extension[alternative] ^short = "The alternative of the criterion this characteristic is one condition of"
* extension[alternative].value[x] only string

Extension: CriterionLookback
Id: criterion-lookback
Title: "Eligibility criterion lookback"
Description: "On a Group.characteristic compared with Observations: how long before the evaluation date an Observation may have been made and still count (for example 30 days). Without it (and without a characteristic period) the lookback is 90 days."
Context: Group.characteristic
* ^publisher = "Stroma"
* value[x] only Duration
* value[x] 1..1
