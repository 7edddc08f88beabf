import type { AdverseEvent, Coding } from '@medplum/fhirtypes';
import type { BusinessRule } from '../../fhir/validation/business-rules';
import { relatedCausalities, severeGradeOf } from './trsae';

export const SAFETY_FLAG_SYSTEM = 'https://stroma-fhir.org/fhir/CodeSystem/safety-flag';
export const TRSAE_TAG: Coding = { system: SAFETY_FLAG_SYSTEM, code: 'trsae' };

const SERIOUSNESS = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness';

/**
 * Whether the AE is a treatment-related serious or severe adverse event. This follows the issue's
 * flag (issue 7, point 6: "serious or grade >= 3 and related"), which is wider than DOMAIN.md's TRSAE
 * (related and grade >= 3) that the staggered-block gate and the second-infusion check use: the flag
 * is for the safety board, who also review a serious grade 2 event.
 */
export function isTrsae(event: AdverseEvent): boolean {
  return (isSerious(event) || severeGradeOf(event) !== undefined) && relatedCausalities(event).length > 0;
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
  const codings = Array.isArray(event.seriousness?.coding) ? event.seriousness.coding : [];
  return codings.some((c) => c.system === SERIOUSNESS && c.code === 'serious');
}
