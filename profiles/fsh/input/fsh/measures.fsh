// Issue 8: the summaries the server computes ($safety-summary, $efficacy-summary, $participant-flow,
// src/trial/measures) are MeasureReports of these Measures; their group and stratifier codes are the
// codes below, a published contract like DOMAIN.md's.

CodeSystem: StromaSafetyMeasure
Id: safety-measure
Title: "Stroma safety measure codes"
Description: "The groups and stratifiers of the safety summary MeasureReport ($safety-summary)."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/safety-measure"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #subjects-treated "Subjects treated" "Subjects with at least one study infusion (placebo included): the safety population."
* #infusion-related-ae-10d "Infusion-related adverse events, 10 days" "Adverse events related or possibly related to a study infusion with onset on its day or within the 10 days after it, counted as events."
* #infusion-related-sae-10d "Infusion-related severe adverse events, 10 days" "The infusion-related adverse events within 10 days of CTCAE grade 3 or more."
* #trsae "Treatment-related severe adverse events" "Adverse events of CTCAE grade 3 or more related or possibly related to a study infusion, at any time."
* #sae-not-related "Serious adverse events not related" "Serious adverse events not related to a study infusion, counted as events."
* #subjects-with-sae "Subjects with a serious adverse event" "Treated subjects with at least one serious adverse event; the score is their share of the treated subjects."
* #subjects-with-trsae-month-1 "Subjects with a TRSAE in month 1" "Treated subjects with a treatment-related severe adverse event within one month after their first infusion; the score is their share of the treated subjects."
* #ctcae-grade "CTCAE grade" "Stratifier: the CTCAE v5 grade, strata 1 to 5."
* #arm "Arm" "Stratifier: the arm or dose cohort (ResearchStudy.arm.name); absent for a requester who may not see the allocation."

CodeSystem: StromaEfficacyMeasure
Id: efficacy-measure
Title: "Stroma efficacy measure codes"
Description: "The groups and stratifiers of the efficacy summary MeasureReport ($efficacy-summary). Visits are months after the subject's first infusion."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/efficacy-measure"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #mrss-change-m12 "mRSS change M0 to M12" "Modified Rodnan skin score at M12 minus at M0: n, mean, SD and median."
* #sri4-m3 "SRI-4 response at M3" "SELENA-SLEDAI reduced by 4 or more from M0, no new BILAG A organ score, at most one new BILAG B, and no worsening of the physician's global assessment."
* #sri4-m6 "SRI-4 response at M6" "As sri4-m3, at M6."
* #sri4-m9 "SRI-4 response at M9" "As sri4-m3, at M9."
* #sri4-m12 "SRI-4 response at M12" "As sri4-m3, at M12."
* #selena-sledai-m0 "SELENA-SLEDAI at M0" "Mean SELENA-SLEDAI score at the visit."
* #selena-sledai-m3 "SELENA-SLEDAI at M3" "Mean SELENA-SLEDAI score at the visit."
* #selena-sledai-m6 "SELENA-SLEDAI at M6" "Mean SELENA-SLEDAI score at the visit."
* #selena-sledai-m9 "SELENA-SLEDAI at M9" "Mean SELENA-SLEDAI score at the visit."
* #selena-sledai-m12 "SELENA-SLEDAI at M12" "Mean SELENA-SLEDAI score at the visit."
* #bilag-total-m0 "BILAG total at M0" "Mean BILAG total score at the visit."
* #bilag-total-m3 "BILAG total at M3" "Mean BILAG total score at the visit."
* #bilag-total-m6 "BILAG total at M6" "Mean BILAG total score at the visit."
* #bilag-total-m9 "BILAG total at M9" "Mean BILAG total score at the visit."
* #bilag-total-m12 "BILAG total at M12" "Mean BILAG total score at the visit."
* #steroid-sparing-m3 "Steroid sparing at M3" "Subjects whose daily prednisone dose is reduced by 25 % or more from M0."
* #steroid-sparing-m6 "Steroid sparing at M6" "As steroid-sparing-m3, at M6."
* #steroid-sparing-m9 "Steroid sparing at M9" "As steroid-sparing-m3, at M9."
* #steroid-sparing-m12 "Steroid sparing at M12" "As steroid-sparing-m3, at M12."
* #arm "Arm" "Stratifier: the arm or dose cohort; absent for a requester who may not see the allocation."

CodeSystem: StromaParticipantFlow
Id: participant-flow
Title: "Stroma participant flow codes"
Description: "The groups and stratifiers of the participant flow MeasureReport ($participant-flow), from the ResearchSubjects' status, arm and infusions."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/participant-flow"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #screened "Screened" "Every ResearchSubject of the study."
* #eligible "Eligible" "Subjects found eligible: status eligible or later in the lifecycle, or given an arm."
* #ineligible "Ineligible" "Subjects with status ineligible."
* #randomized "Randomized or assigned" "Subjects given an arm (assignedArm)."
* #infused-first "First infusion" "Subjects with at least one study infusion."
* #infused-second "Second infusion" "Subjects with at least two study infusions."
* #completed "Completed" "Subjects with status off-study."
* #withdrawn "Withdrawn" "Subjects with status withdrawn, stratified by reason."
* #arm "Arm" "Stratifier: the arm or dose cohort; absent for a requester who may not see the allocation."
* #withdrawal-reason "Withdrawal reason" "Stratifier: the withdrawal-reason extension's code, else its text."

Extension: MeasureStatistics
Id: measure-statistics
Title: "Summary statistics of a measured quantity"
Description: "The number of values, mean, standard deviation (n - 1) and median of a quantity a MeasureReport group or stratum summarizes (the mRSS change, say); mean and SD are absent with fewer than one and two values."
Context: MeasureReport.group, MeasureReport.group.stratifier.stratum
* ^publisher = "Stroma"
* extension contains n 1..1 and mean 0..1 and sd 0..1 and median 0..1
* extension[n].value[x] only integer
* extension[mean].value[x] only decimal
* extension[sd].value[x] only decimal
* extension[median].value[x] only decimal
