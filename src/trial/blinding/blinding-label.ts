import type { Coding, Resource, ResearchStudy } from '@medplum/fhirtypes';
import type { BusinessRule } from '../../fhir/validation/business-rules';

/**
 * Resources that carry a subject's allocation (ResearchSubject: the arm; MedicationAdministration: cells or
 * placebo, the dose) are labelled when their study is blinded, in the write's own transaction, from the
 * study as stored then. The read mask (blinding-mask.ts) needs nothing but the label, so no path (read,
 * search, _include, history, a Bundle) can reach such a resource unmasked, in any server process.
 */
export const BLINDING_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/blinding';
export const BLINDED_LABEL: Readonly<Coding> = Object.freeze({ system: BLINDING_SYSTEM, code: 'blinded-study', display: 'allocation masked in a blinded study' });

const MASKING_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/study-masking';
/** The "double (or more)": ClinicalTrials.gov masking levels that blind the investigators. */
const BLINDING_MASKINGS: ReadonlySet<string> = new Set(['DOUBLE', 'TRIPLE', 'QUADRUPLE']);
const STUDY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/workflow-researchStudy';

/** The study a ResearchSubject or an infusion belongs to ("ResearchStudy/{id}", relative or absolute). */
export function studyIdOf(resource: Resource): string | undefined {
  const reference =
    resource.resourceType === 'ResearchSubject'
      ? resource.study?.reference
      : resource.resourceType === 'MedicationAdministration'
        ? resource.extension?.find((e) => e.url === STUDY_EXTENSION)?.valueReference?.reference
        : undefined;
  const match = reference ? /(?:^|\/)ResearchStudy\/([A-Za-z0-9.-]{1,64})$/.exec(reference) : null;
  return match?.[1];
}

/**
 * Whether a study blinds its investigators. Fails closed: a study that cannot be read, or that states
 * no masking, is taken as blinded (unmasking it takes an explicit masking of NONE or SINGLE).
 */
export function isBlindedStudy(study: ResearchStudy | undefined): boolean {
  const masking = study?.extension?.find((e) => e.url === MASKING_URL)?.valueCodeableConcept?.coding?.[0]?.code;
  return masking === undefined || BLINDING_MASKINGS.has(masking);
}

export function hasBlindedLabel(resource: Resource): boolean {
  return resource.meta?.security?.some((c) => c.system === BLINDING_SYSTEM && c.code === BLINDED_LABEL.code) ?? false;
}

function withLabel(resource: Resource, blinded: boolean): Resource {
  const others = (resource.meta?.security ?? []).filter((c) => c.system !== BLINDING_SYSTEM);
  const security = blinded ? [...others, { ...BLINDED_LABEL }] : others;
  const { security: _old, ...meta } = resource.meta ?? {};
  const nextMeta = security.length > 0 ? { ...meta, security } : meta;
  const { meta: _meta, ...rest } = resource;
  return (Object.keys(nextMeta).length > 0 ? { ...rest, meta: nextMeta } : rest) as Resource;
}

/** Sets or clears the label from the study as this transaction sees it; the client's own label is never trusted. */
export const blindingLabelRule: BusinessRule = {
  name: 'trial-blinding-label',
  types: ['ResearchSubject', 'MedicationAdministration'],
  async apply(resource, { tx }) {
    const studyId = studyIdOf(resource);
    if (studyId === undefined) {
      // An infusion naming no study is not trial data; a ResearchSubject always names one (R4: study 1..1).
      return resource.resourceType === 'ResearchSubject' ? withLabel(resource, true) : withLabel(resource, false);
    }
    const study = (await tx.read('ResearchStudy', studyId))?.resource as ResearchStudy | undefined;
    return withLabel(resource, isBlindedStudy(study));
  },
};
