// A participant's enrolment in one study.
Profile: StromaResearchSubject
Parent: ResearchSubject
Id: stroma-research-subject
Title: "Stroma research subject"
Description: "A participant's enrolment in a Stroma trial: study, patient, status, arm and consent."
// study, individual and status are already 1..1 in R4; the individual is a study participant.
* individual only Reference(StromaParticipant)
* obeys stroma-arm-once-on-study and stroma-consent-once-on-study

// Which statuses count as on-study: R4 defines on-study, on-study-intervention, on-study-observation,
// follow-up and off-study as states after registration, and every seed trial assigns the arm at
// registration (NCT04356287 randomizes each consenting patient within a block; the open-label trials
// assign the dose cohort at entry). Candidate, eligible, screening, pending-on-study, not-registered,
// ineligible and withdrawn (R4: "withdrawn ... before registration") come before any arm exists.
Invariant: stroma-arm-once-on-study
Description: "A subject on study (on-study, on-study-intervention, on-study-observation, follow-up, off-study) has an assignedArm."
Expression: "status in ('on-study' | 'on-study-intervention' | 'on-study-observation' | 'follow-up' | 'off-study') implies assignedArm.exists()"
Severity: #error

// NCT04356287: "all patients giving written informed consent will be randomized"; NCT02213705 and
// NCT03562065 list signed informed consent among the inclusion criteria.
Invariant: stroma-consent-once-on-study
Description: "A subject on study has a consent."
Expression: "status in ('on-study' | 'on-study-intervention' | 'on-study-observation' | 'follow-up' | 'off-study') implies consent.exists()"
Severity: #error

// R4 ResearchSubject has no element for why a subject left (R5 added progress.reason), and no note.
// The enrollment-lifecycle rule (src/trial/rules/enrollment-lifecycle.ts) requires this extension
// whenever the status is withdrawn, so the reason is given with the withdrawal and kept after it.
Extension: WithdrawalReason
Id: withdrawal-reason
Title: "Withdrawal reason"
Description: "Why the subject withdrew from the study (status withdrawn): a coded reason, or text only. Required by the server on every version whose status is withdrawn."
Context: ResearchSubject
* ^publisher = "Stroma"
* value[x] only CodeableConcept
* value[x] 1..1
