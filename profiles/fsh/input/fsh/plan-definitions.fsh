// The visit schedule, shaped like the HL7 Clinical Study Schedule of Activities IG (vulcan-schedule
// 1.0.0): a protocol PlanDefinition (StudyProtocolSoa) whose actions are the visits, each pointing to a
// visit PlanDefinition (PlannedStudyVisitSoa) and timed against the index visit by relatedAction with an
// offset and the IG's AcceptableOffsetRangeSoa window. R4 names the target `actionId` (R5: targetId).

// Defined here under the IG's URL and shape (a Range on relatedAction), as the IG package is not
// reachable from this build.
Extension: AcceptableOffsetRangeSoa
Id: AcceptableOffsetRangeSoa
Title: "Acceptable Offset Range"
Description: "An offset range that, with offsetDuration, gives the acceptable dates of a related action (the visit window)."
* ^url = "http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa"
* ^context[+].type = #element
* ^context[=].expression = "PlanDefinition.action.relatedAction"
* value[x] 1..1
* value[x] only Range

Profile: StromaStudyProtocol
Parent: PlanDefinition
Id: stroma-study-protocol
Title: "Stroma study protocol (schedule of activities)"
Description: "A study's visits in order, each with its offset from the index visit and its window (SoA IG StudyProtocolSoa)."
// The SoA IG types a protocol as clinical-protocol; visits are found by canonical, so url is required.
* url 1..1
* title 1..1
* type 1..1
* type = $PLAN_TYPE#clinical-protocol
* action 1..*
* action.title 1..1
// Each action is one visit: a visit PlanDefinition by canonical (the SoA IG's action.definition).
* action.definition[x] 1..1
* action.definition[x] only canonical
* action.definitionCanonical only Canonical(StromaStudyVisit)
* action.relatedAction.offset[x] only Duration
* action.relatedAction.extension contains AcceptableOffsetRangeSoa named window 0..1
* action.relatedAction obeys stroma-window-contains-offset
* obeys stroma-one-index-visit and stroma-related-action-exists

Invariant: stroma-one-index-visit
Description: "Exactly one visit is the index the others are timed from: the one without a relatedAction (SoA IG: Index-Activity-Event)."
Expression: "action.where(relatedAction.empty()).count() = 1"
Severity: #error

Invariant: stroma-related-action-exists
Description: "A visit is timed from a visit of the same protocol."
Expression: "action.relatedAction.all(%resource.action.id contains actionId)"
Severity: #error

Invariant: stroma-window-contains-offset
Description: "A visit window is in the offset's unit and contains the planned offset (SoA IG AcceptableOffsetRangeSoa)."
Expression: "extension.where(url = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa').value.empty() or (offset.exists() and extension.where(url = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa').value.low.code = offset.code and extension.where(url = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa').value.high.code = offset.code and extension.where(url = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa').value.low.value <= offset.value and offset.value <= extension.where(url = 'http://hl7.org/fhir/uv/vulcan-schedule/StructureDefinition/AcceptableOffsetRangeSoa').value.high.value)"
Severity: #error

Profile: StromaStudyVisit
Parent: PlanDefinition
Id: stroma-study-visit
Title: "Stroma study visit"
Description: "One planned visit of a study and what is done at it (SoA IG PlannedStudyVisitSoa)."
// The protocol points to the visit by this url.
* url 1..1
* title 1..1
// What is done at the visit, in order: an assessment, an infusion, ... Each is named.
* action 1..*
* action.title 1..1
// Arm-specific activities (NCT04356287's M3: cells in one arm, placebo in the others) carry an
// applicability condition in FHIRPath over the visit's ResearchSubject (%subject).
* action.condition.kind = #applicability
* action.condition.expression.language = #text/fhirpath
