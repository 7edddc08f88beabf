// The HL7 AE Clinical Research IG (R4 backport, hl7.fhir.uv.ae-research-backport-ig 1.0.1) extensions,
// defined here under the IG's URLs and shapes because the FHIR package registry is unreachable
// (DOMAIN.md, "Adverse events"). Codes are NCIt, as DOMAIN.md lists them.

Extension: AeGrade
Id: ae-grade
Title: "Adverse event grade"
Description: "The CTCAE grade of the adverse event (NCIt)."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade"
* ^context[+].type = #element
* ^context[=].expression = "AdverseEvent"
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from CtcaeGrade (required)

Extension: SuspectEntity
Id: suspect-entity
Title: "Suspect entity"
Description: "An entity suspected to have caused the adverse event, and the assessment of causality."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/suspect-entity"
* ^context[+].type = #element
* ^context[=].expression = "AdverseEvent"
* extension contains
    instance 1..1 and
    causality 0..1
* extension[instance].value[x] only Reference(MedicationAdministration or Medication or Procedure or Substance or Device or BiologicallyDerivedProduct or ResearchStudy) or CodeableConcept
* extension[causality].extension contains
    assessmentMethod 0..1 and
    entityRelatedness 0..1 and
    author 0..1
* extension[causality].extension[assessmentMethod].value[x] only CodeableConcept
* extension[causality].extension[entityRelatedness].value[x] only CodeableConcept
* extension[causality].extension[entityRelatedness].valueCodeableConcept from AeRelatedness (required)
* extension[causality].extension[author].value[x] only Reference(Practitioner or PractitionerRole or Patient or RelatedPerson or ResearchSubject)

Extension: SeriousnessCriteria
Id: seriousness-criteria
Title: "Seriousness criteria"
Description: "A criterion of a serious adverse event and whether it is present."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/seriousness-criteria"
* ^context[+].type = #element
* ^context[=].expression = "AdverseEvent"
* extension contains
    criterionCode 1..1 and
    criterionPresent 1..1
* extension[criterionCode].value[x] 1..1
* extension[criterionCode].value[x] only CodeableConcept
* extension[criterionCode].valueCodeableConcept from AeSeriousnessCriteria (required)
* extension[criterionPresent].value[x] 1..1
* extension[criterionPresent].value[x] only boolean

Extension: ExpectedInResearchStudy
Id: expected-in-research-study
Title: "Expected in research study"
Description: "Whether the event is among those the study considers expected."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/expected-in-research-study"
* ^context[+].type = #element
* ^context[=].expression = "AdverseEvent"
* value[x] only boolean

Extension: ResolveDate
Id: resolve-date
Title: "Adverse event resolution date"
Description: "When the adverse event resolved."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/resolve-date"
* ^context[+].type = #element
* ^context[=].expression = "AdverseEvent"
* value[x] only dateTime

Extension: ResearchSubjectRef
Id: research-subject-ref
Title: "Research subject"
Description: "The ResearchSubject (enrolment) of the patient the event happened to."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/research-subject-ref"
* ^context[+].type = #element
* ^context[=].expression = "AdverseEvent"
* value[x] only Reference(ResearchSubject)

// The NCIt value sets of DOMAIN.md.
ValueSet: CtcaeGrade
Id: ctcae-grade
Title: "CTCAE grades"
Description: "CTCAE v5 grades 1-5 as NCIt concepts."
* ^url = "https://stroma-fhir.org/fhir/ValueSet/ctcae-grade"
* ^status = #active
* $NCIT#C41338 "Grade 1 Mild Adverse Event"
* $NCIT#C41339 "Grade 2 Moderate Adverse Event"
* $NCIT#C41340 "Grade 3 Severe Adverse Event"
* $NCIT#C41337 "Grade 4 Life Threatening or Disabling Adverse Event"
* $NCIT#C48275 "Grade 5 Death Related to Adverse Event"

ValueSet: AeRelatedness
Id: ae-relatedness
Title: "Adverse event relatedness"
Description: "Causality of a suspect entity (NCIt). C53260 and C53258 count as treatment related; C53257 does not."
* ^status = #active
* $NCIT#C53256 "Not Related"
* $NCIT#C53257 "Unlikely Related"
* $NCIT#C53258 "Possibly Related"
* $NCIT#C53260 "Related"

ValueSet: AeSeriousnessCriteria
Id: ae-seriousness-criteria
Title: "Adverse event seriousness criteria"
Description: "ICH E2D seriousness criteria as NCIt concepts."
* ^status = #active
* $NCIT#C48275 "Death"
* $NCIT#C84266 "Life Threatening"
* $NCIT#C83052 "Hospitalization"
* $NCIT#C11338 "Disability"
* $NCIT#C83117 "Congenital Anomaly"
* $NCIT#C82521 "Other Medically Important Condition"
* $NCIT#C201939 "Intervention to Prevent Permanent Impairment"

ValueSet: AeOutcome
Id: ae-outcome
Title: "Adverse event outcome"
Description: "Outcome of an adverse event (NCIt)."
* ^status = #active
* $NCIT#C48275 "Fatal"
* $NCIT#C49494 "Not Recovered or Not Resolved"
* $NCIT#C49495 "Recovered or Resolved with Sequelae"
* $NCIT#C49498 "Recovered or Resolved"
* $NCIT#C49496 "Recovering or Resolving"

ValueSet: AeSeriousness
Id: adverse-event-seriousness-non-only-vs
Title: "Adverse event seriousness"
Description: "Serious or non-serious only (the IG's binding for AdverseEvent.seriousness)."
* ^url = "http://hl7.org/fhir/uv/ae-research-backport-ig/ValueSet/adverse-event-seriousness-non-only-vs"
* ^status = #active
* $AE_SERIOUSNESS#serious "Serious"
* $AE_SERIOUSNESS#non-serious "Non-serious"
