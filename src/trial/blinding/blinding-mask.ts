import { deepEquals } from '@medplum/core';
import type { MedicationAdministration, MedicationAdministrationDosage, Resource, ResearchSubject } from '@medplum/fhirtypes';
import type { Requester } from '../../fhir/access';
import { errors } from '../../fhir/outcomes';
import type { ReadMask } from '../../fhir/read-masks';
import { hasBlindedLabel } from './blinding-label';

/**
 * Blinding (issue 7 point 5): in a blinded study (labelled by blinding-label.ts), every role but
 * `unblinded` sees no allocation: a ResearchSubject's arms, an infusion's product identity, lot, dose
 * and dose per kg (a placebo infusion has 0 cells), and its free text. The `admin` role is not masked:
 * it registers clients and could give itself an unblinded one, so masking it would protect nothing;
 * trial staff get the investigator or unblinded role.
 */
export const BLINDING_MASK = 'trial-blinding';

const SEES_ALLOCATION: ReadonlySet<string> = new Set(['unblinded', 'admin']);
const DOSE_PER_KG = 'https://stroma-fhir.org/fhir/StructureDefinition/dose-per-kg';
const DATA_ABSENT_MASKED = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }] };

/**
 * Parameters over what is masked: matching by them would tell the allocation (which subjects are in the
 * placebo arm). Refused for every study, since a search names no study's masking: a blinded role finds
 * arms through the unblinded team, in any study.
 */
const HIDDEN_PARAMETERS: Readonly<Record<string, ReadonlySet<string>>> = {
  ResearchSubject: new Set(['assigned-arm', 'actual-arm']),
  MedicationAdministration: new Set(['code', 'medication']),
};

const isBlinded = (requester: Requester) => !SEES_ALLOCATION.has(requester.role);

function maskSubject(subject: ResearchSubject): ResearchSubject {
  const { assignedArm: _a, actualArm: _b, ...rest } = subject;
  return rest;
}

function maskDosage(dosage: MedicationAdministrationDosage | undefined): Pick<MedicationAdministration, 'dosage'> {
  if (!dosage) return {};
  const { dose: _d, text: _t, extension, ...rest } = dosage;
  const kept = extension?.filter((e) => e.url !== DOSE_PER_KG) ?? [];
  return { dosage: { ...rest, ...(kept.length > 0 ? { extension: kept } : {}) } };
}

/** The infusion without what tells cells from placebo: product code and lot, ingredients, dose, notes. */
function maskInfusion(infusion: MedicationAdministration): MedicationAdministration {
  const { note: _n, dosage, medicationCodeableConcept, medicationReference, contained, ...rest } = infusion;
  const products = contained?.map((c) => {
    if (c.resourceType !== 'Medication') return c;
    const { code: _c, batch: _b, ingredient: _i, ...kept } = c;
    return kept;
  });
  return {
    ...rest,
    ...(products ? { contained: products } : {}),
    ...(medicationCodeableConcept ? { medicationCodeableConcept: DATA_ABSENT_MASKED } : {}),
    ...(medicationReference ? { medicationReference: { reference: medicationReference.reference } } : {}),
    ...maskDosage(dosage),
  } as MedicationAdministration;
}

function masked(resource: Resource): Resource | undefined {
  if (resource.resourceType === 'ResearchSubject') return maskSubject(resource);
  if (resource.resourceType === 'MedicationAdministration') return maskInfusion(resource);
  return undefined;
}

/** Whether `incoming` states anything the mask hides (the masked view itself states nothing). */
function statesHidden(incoming: Resource): boolean {
  const view = masked(incoming);
  return view !== undefined && !deepEquals(view, incoming);
}

/** `incoming` with the hidden parts of `stored`: what `masked` removed from stored, put back. */
function restoreHidden(incoming: Resource, stored: Resource): Resource {
  if (incoming.resourceType === 'ResearchSubject' && stored.resourceType === 'ResearchSubject') {
    const { assignedArm, actualArm } = stored;
    return { ...incoming, ...(assignedArm ? { assignedArm } : {}), ...(actualArm ? { actualArm } : {}) };
  }
  if (incoming.resourceType === 'MedicationAdministration' && stored.resourceType === 'MedicationAdministration') {
    // What a blinded role may change of an infusion is what it can see: all but the masked parts, which
    // come back whole from the stored version.
    const { note, dosage, medicationCodeableConcept, medicationReference, contained } = stored;
    const visibleDosage = maskDosage(incoming.dosage).dosage;
    const hiddenDosage = dosage ? { dose: dosage.dose, text: dosage.text, extension: dosage.extension } : {};
    return {
      ...incoming,
      ...(note ? { note } : {}),
      ...(contained ? { contained } : {}),
      ...(medicationCodeableConcept ? { medicationCodeableConcept } : {}),
      ...(medicationReference ? { medicationReference } : {}),
      ...(visibleDosage || dosage ? { dosage: JSON.parse(JSON.stringify({ ...visibleDosage, ...hiddenDosage })) as MedicationAdministrationDosage } : {}),
    } as MedicationAdministration;
  }
  return incoming;
}

export const blindingMask: ReadMask = {
  name: BLINDING_MASK,
  apply(resource, requester) {
    if (!isBlinded(requester) || !hasBlindedLabel(resource)) return undefined;
    return masked(resource);
  },
  hidesParameter(resourceType, code, requester) {
    return isBlinded(requester) && (HIDDEN_PARAMETERS[resourceType]?.has(code) ?? false);
  },
  /**
   * A blinded role's write keeps the allocation as stored. Stating any masked element is refused outright,
   * whatever its value: answering by comparison would let a client probe the arm one guess at a time.
   */
  guardWrite(incoming, stored, requester) {
    if (!isBlinded(requester)) return undefined;
    if (!stored || !hasBlindedLabel(stored)) return undefined;
    if (statesHidden(incoming)) {
      throw errors.forbidden(`Role ${requester.role} may not write the allocation of a blinded study (arms, product, lot, dose, notes of an infusion)`);
    }
    return restoreHidden(incoming, stored);
  },
  /**
   * A create (or a write over a version not yet blinded) that the label rule has just labelled: a blinded
   * role may not state its arms or product. In a blinded study the arm comes from $randomize and the
   * infusion's product is recorded by the unblinded team.
   */
  guardWritten(written, sent, requester) {
    if (!isBlinded(requester) || !hasBlindedLabel(written) || !statesHidden(sent)) return;
    throw errors.forbidden(`Role ${requester.role} may not write the allocation of a blinded study (arms, product, lot, dose, notes of an infusion)`);
  },
};
