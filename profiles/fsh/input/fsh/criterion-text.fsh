// The eligibility criterion a computable Group.characteristic was read from (issue 6 point 1): the
// characteristic is what a rule evaluates, the text is what a reviewer checks it against.

Extension: CriterionText
Id: criterion-text
Title: "Eligibility criterion text"
Description: "On a Group.characteristic computed from a trial's eligibility criteria (for example a lab or score threshold from a ClinicalTrials.gov record): the criterion line it was read from, verbatim, so that a reader can check the computed code, comparator, value and unit against what the registry states."
Context: Group.characteristic
* ^publisher = "Stroma"
* value[x] only string
* value[x] 1..1
