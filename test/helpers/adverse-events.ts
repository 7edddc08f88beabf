import type { AdverseEvent } from '@medplum/fhirtypes';

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';

export interface InfusionReaction {
  /** References: `ResearchStudy/..`, `Patient/..`, `ResearchSubject/..`, `MedicationAdministration/..`. */
  study: string;
  patient: string;
  subject: string;
  infusion: string;
  /** CTCAE grade, NCIt (C41340 is grade 3). */
  grade: string;
  /** Causality, NCIt (C53260 related, C53258 possibly, C53257 unlikely). */
  relatedness: string;
  /** The day of onset (YYYY-MM-DD). */
  onset: string;
  /** Serious, with hospitalization (NCIt C83052) as its criterion; non-serious by default. */
  serious?: boolean;
}

const HOSPITALIZATION = {
  url: `${AE}seriousness-criteria`,
  extension: [{ url: 'criterionCode', valueCodeableConcept: { coding: [{ system: NCIT, code: 'C83052' }] } }, { url: 'criterionPresent', valueBoolean: true }],
};

/** An infusion-related reaction of a study subject (non-serious unless said), in the AE Clinical Research IG's shape. */
export function infusionReaction(r: InfusionReaction): AdverseEvent {
  return {
    resourceType: 'AdverseEvent',
    extension: [
      { url: `${AE}ae-grade`, valueCodeableConcept: { coding: [{ system: NCIT, code: r.grade }] } },
      {
        url: `${AE}suspect-entity`,
        extension: [
          { url: 'instance', valueReference: { reference: r.infusion } },
          { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: r.relatedness }] } }] },
        ],
      },
      { url: `${AE}expected-in-research-study`, valueBoolean: false },
      { url: `${AE}research-subject-ref`, valueReference: { reference: r.subject } },
      ...(r.serious ? [HOSPITALIZATION] : []),
    ],
    actuality: 'actual',
    event: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/mdr', code: '10051792', display: 'Infusion related reaction' }], text: 'Infusion related reaction' },
    subject: { reference: r.patient },
    date: `${r.onset}T14:00:00Z`,
    recordedDate: `${r.onset}T16:00:00Z`,
    seriousness: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: r.serious ? 'serious' : 'non-serious' }] },
    outcome: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome', code: 'resolved' }, { system: NCIT, code: 'C49498' }] },
    study: [{ reference: r.study }],
  };
}
