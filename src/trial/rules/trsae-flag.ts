import type { AdverseEvent, CodeableConcept, Coding, Extension } from '@medplum/fhirtypes';
import type { BusinessRule } from '../../fhir/validation/business-rules';

export const SAFETY_FLAG_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/safety-flag';
export const TRSAE_TAG: Coding = { system: SAFETY_FLAG_SYSTEM, code: 'trsae' };

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const SERIOUSNESS = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness';
/** DOMAIN.md: CTCAE grade 3 (C41340), 4 (C41337) and 5 (C48275). */
const GRADE_3_OR_MORE = new Set(['C41340', 'C41337', 'C48275']);
/** DOMAIN.md: treatment related = related (C53260) or possibly related (C53258); C53257 is not. */
const TREATMENT_RELATED = new Set(['C53260', 'C53258']);

/**
 * Whether the AE is a treatment-related serious or severe adverse event. This follows the issue's
 * flag (issue 7, point 6: "serious or grade >= 3 and related"), which is wider than DOMAIN.md's TRSAE
 * (related and grade >= 3) that the staggered-block gate and the second-infusion check use: the flag
 * is for the safety board, who also review a serious grade 2 event.
 */
export function isTrsae(event: AdverseEvent): boolean {
  return (isSerious(event) || hasGrade3OrMore(event)) && isTreatmentRelated(event);
}

/**
 * Tags every AdverseEvent that isTrsae with safety-flag#trsae, and takes the tag off one that no longer
 * is (or that a client tagged itself): the tag always says what the stored content says. The same
 * tag on an unchanged AE resent without it writes no new version (src/fhir/same-content.ts).
 */
export const trsaeFlagRule: BusinessRule = {
  name: 'trsae-flag',
  types: ['AdverseEvent'],
  async apply(resource) {
    const event = resource as AdverseEvent;
    const flagged = isTrsae(event);
    const tags = event.meta?.tag ?? [];
    const flags = tags.filter((t) => t.system === SAFETY_FLAG_SYSTEM);
    const others = tags.filter((t) => t.system !== SAFETY_FLAG_SYSTEM);
    const alreadyRight = flagged ? flags.length === 1 && flags[0].code === TRSAE_TAG.code : flags.length === 0;
    return alreadyRight ? resource : withTags(event, flagged ? [...others, TRSAE_TAG] : others);
  },
};

/** A copy of `event` with these tags (and no meta.tag, or no meta at all, when nothing is left). */
function withTags(event: AdverseEvent, tags: Coding[]): AdverseEvent {
  const { meta, ...rest } = event;
  const { tag: _replaced, ...otherMeta } = meta ?? {};
  const nextMeta = tags.length > 0 ? { ...otherMeta, tag: tags } : otherMeta;
  return Object.keys(nextMeta).length > 0 ? { ...rest, meta: nextMeta } : rest;
}

function isSerious(event: AdverseEvent): boolean {
  return event.seriousness?.coding?.some((c) => c.system === SERIOUSNESS && c.code === 'serious') ?? false;
}

function hasGrade3OrMore(event: AdverseEvent): boolean {
  return extensionsOf(event.extension, `${AE_IG}ae-grade`).some((e) => hasNcit(e.valueCodeableConcept, GRADE_3_OR_MORE));
}

/** Related or possibly related to a suspected entity: the AE IG's suspect-entity, or R4 core suspectEntity. */
function isTreatmentRelated(event: AdverseEvent): boolean {
  const fromIg = extensionsOf(event.extension, `${AE_IG}suspect-entity`)
    .flatMap((suspect) => extensionsOf(suspect.extension, 'causality'))
    .flatMap((causality) => extensionsOf(causality.extension, 'entityRelatedness'))
    .some((relatedness) => hasNcit(relatedness.valueCodeableConcept, TREATMENT_RELATED));
  const fromCore = (event.suspectEntity ?? [])
    .flatMap((suspect) => suspect.causality ?? [])
    .some((causality) => hasNcit(causality.assessment, TREATMENT_RELATED));
  return fromIg || fromCore;
}

/**
 * Extensions with this url. Rules run after validation, but an element that should be an array and
 * is not still counts as absent here rather than throwing.
 */
function extensionsOf(extensions: Extension[] | undefined, url: string): Extension[] {
  return Array.isArray(extensions) ? extensions.filter((e) => e.url === url) : [];
}

function hasNcit(concept: CodeableConcept | undefined, codes: ReadonlySet<string>): boolean {
  return concept?.coding?.some((c) => c.system === NCIT && c.code !== undefined && codes.has(c.code)) ?? false;
}
