// The project's SearchParameters. The server loads them from profiles/search-parameters/ at start and
// checks each as strictly as one POSTed by a client; profiles/README.md says what each one searches and
// why, and README.md ("Search parameters and reindexing") how a change reaches the index.
// Expressions spell extension filters as extension.where(url = '...'), not extension('...'), which
// @medplum/core 4.5 evaluates to the first matching extension only.

Instance: researchsubject-assigned-arm
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/researchsubject-assigned-arm"
* version = "0.1.0"
* name = "ResearchSubjectAssignedArm"
* status = #active
* experimental = false
* date = "2026-11-23"
* publisher = "Stroma"
* description = "The arm the subject was assigned to: the `name` of one of the study's ResearchStudy.arm, matched exactly (token search on a string: case-sensitive, no prefix match, so that one arm's name never matches another that starts with it)."
* code = #assigned-arm
* base[0] = #ResearchSubject
* type = #token
* expression = "ResearchSubject.assignedArm"
* xpathUsage = #normal

Instance: researchsubject-actual-arm
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/researchsubject-actual-arm"
* version = "0.1.0"
* name = "ResearchSubjectActualArm"
* status = #active
* experimental = false
* date = "2026-11-23"
* publisher = "Stroma"
* description = "The arm the subject actually followed: the `name` of one of the study's ResearchStudy.arm, matched exactly."
* code = #actual-arm
* base[0] = #ResearchSubject
* type = #token
* expression = "ResearchSubject.actualArm"
* xpathUsage = #normal

Instance: adverseevent-grade
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/adverseevent-grade"
* version = "0.1.0"
* name = "AdverseEventGrade"
* status = #active
* experimental = false
* date = "2026-11-23"
* publisher = "Stroma"
* description = "The CTCAE grade of the adverse event as a number from 1 to 5, read from the ae-grade extension's NCI Thesaurus code (C41338 grade 1, C41339 grade 2, C41340 grade 3, C41337 grade 4, C48275 grade 5), so that prefixes work: grade=ge3 finds grades 3, 4 and 5."
* code = #grade
* base[0] = #AdverseEvent
* type = #number
* expression = "AdverseEvent.extension.where(url = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade').value.ofType(CodeableConcept).coding.where(system = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl').select(iif(code = 'C41338', 1, iif(code = 'C41339', 2, iif(code = 'C41340', 3, iif(code = 'C41337', 4, iif(code = 'C48275', 5, {}))))))"
* xpathUsage = #normal
* comparator[0] = #eq
* comparator[1] = #ne
* comparator[2] = #gt
* comparator[3] = #lt
* comparator[4] = #ge
* comparator[5] = #le
* comparator[6] = #sa
* comparator[7] = #eb
* comparator[8] = #ap

Instance: adverseevent-relatedness
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/adverseevent-relatedness"
* version = "0.1.0"
* name = "AdverseEventRelatedness"
* status = #active
* experimental = false
* date = "2026-11-23"
* publisher = "Stroma"
* description = "How related the adverse event is to a suspected entity: the entityRelatedness of the AE Clinical Research IG's suspect-entity extension (NCI Thesaurus C53256 not related, C53257 unlikely related, C53258 possibly related, C53260 related), or the R4 core suspectEntity.causality.assessment that R4 clients send."
* code = #relatedness
* base[0] = #AdverseEvent
* type = #token
* expression = "AdverseEvent.extension.where(url = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/suspect-entity').extension.where(url = 'causality').extension.where(url = 'entityRelatedness').value.ofType(CodeableConcept) | AdverseEvent.suspectEntity.causality.assessment"
* xpathUsage = #normal

Instance: workflow-study
InstanceOf: SearchParameter
Usage: #definition
* extension[search-parameter-also-via].valueString = "subject:Patient._has:ResearchSubject:individual:study"
* url = "https://stroma-fhir.org/fhir/SearchParameter/workflow-study"
* version = "0.2.0"
* name = "WorkflowResearchStudy"
* status = #active
* experimental = false
* date = "2026-11-24"
* publisher = "Stroma"
* description = "The research study the event belongs to: the one its R4 core extension workflow-researchStudy names, or (through the also-via extension) any study its subject Patient is enrolled in, that is, any study of a ResearchSubject whose individual is the subject. Data pushed by hospital systems carries no study extension; it belongs to the studies of its patient. The ResearchSubject's status and period are not considered: all of an enrolled patient's data matches, from before consent and after withdrawal too."
* code = #study
* base[0] = #MedicationAdministration
* base[1] = #Observation
* type = #reference
* expression = "MedicationAdministration.extension.where(url = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy').value.ofType(Reference) | Observation.extension.where(url = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy').value.ofType(Reference)"
* xpathUsage = #normal
* target[0] = #ResearchStudy

Instance: encounter-study
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/encounter-study"
* version = "0.1.0"
* name = "EncounterResearchStudy"
* status = #active
* experimental = false
* date = "2026-11-24"
* publisher = "Stroma"
* description = "The research study an Encounter is a visit of, from the R4 core extension workflow-researchStudy only: a study visit is an Encounter of the study (its visit in Encounter.type), and the Observations made at it point to it with Observation.encounter. Unlike the study parameter of Observation and MedicationAdministration it does not also match through the subject's enrolment, so that Encounter?study lists the study's visits and not every hospital encounter of its subjects."
* code = #study
* base[0] = #Encounter
* type = #reference
* expression = "Encounter.extension.where(url = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy').value.ofType(Reference)"
* xpathUsage = #normal
* target[0] = #ResearchStudy

// Issue 7, point 6: the server tags a treatment-related serious or severe adverse event
// (src/trial/rules/trsae-flag.ts). The tag and this parameter let the safety board find them.
CodeSystem: StromaSafetyFlag
Id: safety-flag
Title: "Stroma safety flags"
Description: "Tags (meta.tag) the server sets on resources of safety interest. The server sets and removes them at every write from the resource's content; a client does not set them."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/safety-flag"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #trsae "Treatment-related serious or severe adverse event" "An AdverseEvent that is serious or of CTCAE grade 3 or more, and related or possibly related (NCI Thesaurus C53260 or C53258) to a study treatment."

Instance: adverseevent-trsae
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/adverseevent-trsae"
* version = "0.1.0"
* name = "AdverseEventTrsae"
* status = #active
* experimental = false
* date = "2026-12-02"
* publisher = "Stroma"
* description = "Whether the adverse event is a treatment-related serious or severe adverse event (TRSAE): true when the server tagged it with safety-flag#trsae (serious or CTCAE grade 3 or more, and related or possibly related to a study treatment), false otherwise. trsae=true finds the events the safety board reviews."
* code = #trsae
* base[0] = #AdverseEvent
* type = #token
* expression = "AdverseEvent.meta.tag.where(system = 'https://stroma-fhir.org/fhir/CodeSystem/safety-flag' and code = 'trsae').exists()"
* xpathUsage = #normal

// Issue 8: the safety summary counts the events related to a study infusion from the search index
// (Repository.tabulate), so the pairing of a suspect entity with its causality is indexed here.
Instance: adverseevent-related-suspect
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/adverseevent-related-suspect"
* version = "0.1.0"
* name = "AdverseEventRelatedSuspect"
* status = #active
* experimental = false
* date = "2026-12-03"
* publisher = "Stroma"
* description = "The suspect entities (a MedicationAdministration, say) the adverse event is treatment related to: the instance of each suspect-entity extension of the AE Clinical Research IG, or of each R4 core suspectEntity, whose causality is related or possibly related (NCI Thesaurus C53260 or C53258; DOMAIN.md's treatment related, where C53257 unlikely related does not count). AdverseEvent?related-suspect=MedicationAdministration/123 finds the events related to that infusion."
* code = #related-suspect
* base[0] = #AdverseEvent
* type = #reference
* expression = "AdverseEvent.extension.where(url = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/suspect-entity').where(extension.where(url = 'causality').extension.where(url = 'entityRelatedness').value.ofType(CodeableConcept).coding.where(system = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl' and (code = 'C53260' or code = 'C53258')).exists()).extension.where(url = 'instance').value.ofType(Reference) | AdverseEvent.suspectEntity.where(causality.assessment.coding.where(system = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl' and (code = 'C53260' or code = 'C53258')).exists()).instance"
* xpathUsage = #normal

// DOMAIN.md: the prednisone dose is a MedicationStatement; the steroid-sparing outcome of NCT03562065
// reads its daily dose per study (issue 8), linked like the other events by workflow-researchStudy.
Instance: medicationstatement-study
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/medicationstatement-study"
* version = "0.1.0"
* name = "MedicationStatementResearchStudy"
* status = #active
* experimental = false
* date = "2026-12-03"
* publisher = "Stroma"
* description = "The research study a MedicationStatement belongs to, from the R4 core extension workflow-researchStudy (a study's record of a concomitant treatment, such as the prednisone dose)."
* code = #study
* base[0] = #MedicationStatement
* type = #reference
* expression = "MedicationStatement.extension.where(url = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy').value.ofType(Reference)"
* xpathUsage = #normal
* target[0] = #ResearchStudy

Instance: medicationstatement-dose
InstanceOf: SearchParameter
Usage: #definition
* url = "https://stroma-fhir.org/fhir/SearchParameter/medicationstatement-dose"
* version = "0.1.0"
* name = "MedicationStatementDose"
* status = #active
* experimental = false
* date = "2026-12-03"
* publisher = "Stroma"
* description = "The dose of each dosage of the statement (dosage.doseAndRate.doseQuantity), e.g. the daily prednisone dose in mg; compared in UCUM base units, so 10 mg finds 0.01 g."
* code = #dose
* base[0] = #MedicationStatement
* type = #quantity
* expression = "MedicationStatement.dosage.doseAndRate.dose.ofType(Quantity)"
* xpathUsage = #normal
