import type { ResearchStudyArm } from '@medplum/fhirtypes';
import { armType, DOSE_PER_KG_URL, UCUM } from './codes';
import { doseLabel, dosesPerKg } from './doses';
import { type Intervention, readInterventions } from './interventions';
import { CtgovRecordError, type Node, objectList, optString, reqString, unescapeMarkdown } from './record-reader';

/** Arms that infuse nothing active never carry a dose (the profile forbids one on a placebo arm). */
const NO_DOSE_TYPES = new Set(['PLACEBO_COMPARATOR', 'SHAM_COMPARATOR', 'NO_INTERVENTION']);

function dosePerKg(cellsPerKg: number): ResearchStudyArm['extension'] {
  return [{ url: DOSE_PER_KG_URL, valueQuantity: { value: cellsPerKg, unit: '{cells}/kg', system: UCUM, code: '{cells}/kg' } }];
}

/**
 * The arm's description as registered, followed by the description of each of its interventions that
 * the arm's text does not already contain (NCT03562065 states its doses in both).
 */
function armDescription(label: string, own: string | undefined, interventions: readonly Intervention[]): string {
  const parts = own ? [own] : [];
  for (const intervention of interventions) {
    const text = intervention.description;
    if (text && !parts.some((p) => p.includes(text))) parts.push(`${intervention.heading}: ${text}`);
    else if (!text && !own) parts.push(intervention.heading);
  }
  return parts.join('\n\n') || label;
}

/**
 * ResearchStudy.arm from armsInterventionsModule. DOMAIN.md wants one arm per dose cohort: an arm whose text
 * lists several doses per kg (NCT03562065: 1, 2 and 4 x10^6 cells/kg) becomes one arm per dose, named
 * "<label>, <dose>", each with its dose-per-kg; an arm with one dose carries it.
 */
export function mapArms(module: Node | undefined): ResearchStudyArm[] {
  if (!module) return [];
  const interventions = readInterventions(module);
  return objectList(module, 'armGroups').flatMap((node) => {
    const label = reqString(node, 'label');
    const ctgovType = reqString(node, 'type');
    const type = armType(ctgovType);
    if (!type) throw new CtgovRecordError(`${node.path}.type`, `has an unknown arm type "${ctgovType}"`);
    const own = optString(node, 'description');
    const mine = interventions.filter((i) => i.armLabels.includes(label));
    const description = armDescription(label, own && unescapeMarkdown(own), mine);
    const doses = NO_DOSE_TYPES.has(ctgovType) ? [] : dosesPerKg(description);
    if (doses.length <= 1) {
      const arm: ResearchStudyArm = { name: label, type, description };
      return doses.length === 1 ? [{ ...arm, extension: dosePerKg(doses[0]) }] : [arm];
    }
    return doses.map((dose) => ({ name: `${label}, ${doseLabel(dose)}`, type, description, extension: dosePerKg(dose) }));
  });
}
