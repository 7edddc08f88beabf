import type { AdverseEvent, Extension } from '@medplum/fhirtypes';
import type { WriteContext } from '../../../../src/fhir/validation/business-rules';
import type { ResourceWriter } from '../../../../src/store/repository';
import { isTrsae, TRSAE_TAG, trsaeFlagRule } from '../../../../src/trial/rules/trsae-flag';

const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl';
const AE_IG = 'http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/';
const GRADE = { 1: 'C41338', 2: 'C41339', 3: 'C41340', 4: 'C41337', 5: 'C48275' } as const;
const RELATEDNESS = { not: 'C53256', unlikely: 'C53257', possibly: 'C53258', related: 'C53260' } as const;

function event(grade: keyof typeof GRADE, relatedness: keyof typeof RELATEDNESS, serious = false, extra: Partial<AdverseEvent> = {}): AdverseEvent {
  const suspect: Extension = {
    url: `${AE_IG}suspect-entity`,
    extension: [
      { url: 'instance', valueReference: { reference: 'MedicationAdministration/m1' } },
      { url: 'causality', extension: [{ url: 'entityRelatedness', valueCodeableConcept: { coding: [{ system: NCIT, code: RELATEDNESS[relatedness] }] } }] },
    ],
  };
  return {
    resourceType: 'AdverseEvent',
    id: 'ae1',
    actuality: 'actual',
    subject: { reference: 'Patient/p1' },
    seriousness: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: serious ? 'serious' : 'non-serious' }] },
    extension: [{ url: `${AE_IG}ae-grade`, valueCodeableConcept: { coding: [{ system: NCIT, code: GRADE[grade] }] } }, suspect],
    ...extra,
  };
}

const context = { method: 'PUT', tx: {} as ResourceWriter } as WriteContext;

describe('the TRSAE flag rule', () => {
  it.each([
    [3, 'related', false, true], [4, 'possibly', false, true], [5, 'related', false, true],
    [2, 'related', true, true], [1, 'possibly', true, true],
    [2, 'related', false, false], [3, 'unlikely', false, false], [4, 'not', true, false], [3, 'unlikely', true, false],
  ] as const)('when an AE of grade %s is %s related (serious: %s), then it is a TRSAE: %s', (grade, relatedness, serious, expected) => {
    expect(isTrsae(event(grade, relatedness, serious))).toBe(expected);
  });

  it('when an R4 client sends the core suspectEntity.causality instead of the IG extension, then it is read too', () => {
    const core = event(3, 'not', false, {
      suspectEntity: [{ instance: { reference: 'MedicationAdministration/m1' }, causality: [{ assessment: { coding: [{ system: NCIT, code: RELATEDNESS.possibly }] } }] }],
    });
    core.extension = core.extension?.filter((e) => e.url === `${AE_IG}ae-grade`);
    expect(isTrsae(core)).toBe(true);
  });

  it('when a TRSAE is written, then the tag is added next to the client\'s own tags, and the resource given is not changed', async () => {
    const clientTag = { system: 'https://example.org/tags', code: 'reviewed' };
    const given = event(3, 'related', false, { meta: { tag: [clientTag] } });
    const stored = await trsaeFlagRule.apply(given, context);
    expect(stored.meta?.tag).toEqual([clientTag, TRSAE_TAG]);
    expect(given.meta?.tag).toEqual([clientTag]);
  });

  it('when an AE that is no longer a TRSAE carries the tag, then the tag (and an emptied meta) is removed', async () => {
    const stored = await trsaeFlagRule.apply(event(2, 'related', false, { meta: { tag: [TRSAE_TAG] } }), context);
    expect(stored.meta).toBeUndefined();
  });

  it('when the AE already carries exactly the right flags, then the rule returns it as it is', async () => {
    const flagged = event(3, 'related', false, { meta: { tag: [TRSAE_TAG] } });
    const plain = event(1, 'not');
    expect(await trsaeFlagRule.apply(flagged, context)).toBe(flagged);
    expect(await trsaeFlagRule.apply(plain, context)).toBe(plain);
  });
});
