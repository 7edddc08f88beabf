import type { AdverseEvent, Resource } from '@medplum/fhirtypes';
import { BLINDED_LABEL } from '../../src/trial/blinding/blinding-label';
import { fullUrlOf, type KeyedResource } from '../../src/trial/ctgov/entries';
import { addDays, daysBetween, type Day } from '../../src/trial/demo/calendar';
import type { DemoArm, TrialDesign } from '../../src/trial/demo/design';
import { forkPrng } from '../../src/trial/demo/prng';
import { relatedCausalities } from '../../src/trial/rules/trsae';
import { isTrsae, TRSAE_TAG } from '../../src/trial/rules/trsae-flag';
import { benchStudy, resolveReferences } from './measures-study';
import { buildSubject, type Category, type SubjectInput } from './measures-subject';

/**
 * The bench:measures data set: one study (NCT04356287's design, `sites` sites), `subjects` subjects
 * with their visits, infusions and adverse events (measures-subject.ts), exactly `observations`
 * Observations and `adverseEvents` AdverseEvents in all. First infusions are spread evenly from
 * 2023-01 to 2026-10 and the data cut-off is 2026-11-30, so subjects are at every point of the
 * schedule: about two thirds off study (M12 done), the rest in follow-up or on study before M3; 6 %
 * withdrawn (with a reason), 4 % ineligible at screening (no arm, no infusion, no event).
 */

export interface MeasuresSize {
  sites: number;
  subjects: number;
  observations: number;
  adverseEvents: number;
}

export const FIRST_M0: Day = '2023-01-09';
export const LAST_M0: Day = '2026-10-30';
export const CUTOFF: Day = '2026-11-30';
const INELIGIBLE_SHARE = 0.04;
const WITHDRAWN_SHARE = 0.06;
const SEED = 20261203;

export interface MeasuresDataset {
  studyId: string;
  /** Resources of the study (sites, Group, PlanDefinitions…) and every subject's, for bulkCreate. */
  resources: Generator<Resource>;
  /** How many `resources` yields (for the progress bar). */
  total: number;
  /** Resources per type in the data set. */
  counts: Record<string, number>;
  /** ResearchSubjects per status and AdverseEvents per CTCAE grade, serious and treatment related, once generated. */
  mix: Record<string, number>;
}

/** Who is who: category, arm (permuted blocks of the study's scheme) and first infusion of every subject. */
function plan(design: TrialDesign, size: MeasuresSize): Omit<SubjectInput, 'adverseEvents' | 'observationAdjust'>[] {
  const prng = forkPrng(SEED, 'bench-measures', 'plan');
  const span = daysBetween(FIRST_M0, LAST_M0);
  let block: DemoArm[] = [];
  return Array.from({ length: size.subjects }, (_, i) => {
    const r = prng.next();
    const category: Category = r < INELIGIBLE_SHARE ? 'ineligible' : r < INELIGIBLE_SHARE + WITHDRAWN_SHARE ? 'withdrawn' : 'on-study';
    let arm: DemoArm | undefined;
    if (category !== 'ineligible') {
      if (block.length === 0) block = prng.shuffle(design.block);
      arm = block.pop();
    }
    const m0 = addDays(FIRST_M0, Math.floor((i * span) / Math.max(1, size.subjects - 1)));
    return { design, seed: SEED, number: i + 1, arm, category, m0, cutoff: CUTOFF };
  });
}

/** `total` split over `weights` in whole numbers (largest remainders), so the parts add up exactly. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  const left = total - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) parts[order[k % order.length][1]]++;
  return parts;
}

/**
 * Builds the data set's plan: adverse events spread over the subjects who were infused (a random
 * weight each, so some have none and some many), then every subject built once to count its
 * Observations, and the difference to `observations` spread over all subjects.
 */
export function measuresDataset(size: MeasuresSize): MeasuresDataset {
  const study = benchStudy(size.subjects, size.sites);
  const people = plan(study.design, size);
  const aeWeights = people.map((p) => (p.arm ? forkPrng(SEED, 'bench-measures', 'ae-weight', p.number).next() * 2 : 0));
  const aeCounts = apportion(size.adverseEvents, aeWeights);
  const inputs: SubjectInput[] = people.map((p, i) => ({ ...p, adverseEvents: aeCounts[i], observationAdjust: 0 }));
  let natural = 0;
  let infusions = 0;
  for (const input of inputs) {
    const built = buildSubject(input);
    natural += built.observations;
    infusions += built.infusions;
  }
  const difference = size.observations - natural;
  const share = Math.trunc(difference / inputs.length);
  const rest = difference - share * inputs.length;
  const adjusted = inputs.map((input, i) => ({ ...input, observationAdjust: share + (i < Math.abs(rest) ? Math.sign(rest) : 0) }));

  const counts: Record<string, number> = {};
  for (const r of study.resources) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
  // What the generation will yield; it sets the Observations and AdverseEvents it did yield at its end.
  Object.assign(counts, { Patient: size.subjects, Consent: size.subjects, ResearchSubject: size.subjects, MedicationAdministration: infusions });
  counts.Observation = size.observations;
  counts.AdverseEvent = size.adverseEvents;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const mix: Record<string, number> = {};
  return { studyId: study.studyId, resources: generate(study.studyId, study.resources, adjusted, counts, mix), total, counts, mix };
}

function* generate(studyId: string, studyResources: Resource[], inputs: SubjectInput[], counts: Record<string, number>, mix: Record<string, number>): Generator<Resource> {
  yield* studyResources;
  let observations = 0;
  let adverseEvents = 0;
  for (const input of inputs) {
    const built = buildSubject(input);
    observations += built.observations;
    adverseEvents += built.adverseEvents;
    for (const resource of withIds(built.entries, studyId)) {
      for (const key of mixKeys(resource)) mix[key] = (mix[key] ?? 0) + 1;
      yield resource;
    }
  }
  counts.Observation = observations;
  counts.AdverseEvent = adverseEvents;
}

const GRADES: Readonly<Record<string, string>> = { C41338: '1', C41339: '2', C41340: '3', C41337: '4', C48275: '5' };

function mixKeys(resource: Resource): string[] {
  if (resource.resourceType === 'ResearchSubject') return [resource.status];
  if (resource.resourceType !== 'AdverseEvent') return [];
  const code = resource.extension?.find((e) => e.url.endsWith('/ae-grade'))?.valueCodeableConcept?.coding?.[0]?.code ?? '';
  const keys = [`grade ${GRADES[code] ?? '?'}`];
  if (resource.seriousness?.coding?.some((c) => c.code === 'serious')) keys.push('serious');
  if (relatedCausalities(resource).length > 0) keys.push('treatment related');
  if (isTrsae(resource)) keys.push('trsae-flagged');
  return keys;
}

/**
 * A few more subjects of the study, for a write through the server (measures-check.ts), numbered
 * from `first` on (past the data set's, so their ids are new): one per arm on study from 2025-01-06
 * with every visit and 4, 8 and 12 adverse events, one withdrawn and one ineligible.
 */
export function extraSubjects(studyId: string, design: TrialDesign, first: number): Resource[] {
  const base = { design, seed: SEED, m0: '2025-01-06', cutoff: CUTOFF, observationAdjust: 0 } as const;
  const inputs: SubjectInput[] = [
    ...design.arms.map((arm, i) => ({ ...base, number: first + i, arm, category: 'on-study' as const, adverseEvents: 4 * (i + 1) })),
    { ...base, number: first + design.arms.length, arm: design.arms[0], category: 'withdrawn', adverseEvents: 3 },
    { ...base, number: first + design.arms.length + 1, arm: undefined, category: 'ineligible', adverseEvents: 0 },
  ];
  return inputs.flatMap((input) => withIds(buildSubject(input).entries, studyId));
}

/**
 * The demo's keyed resources as stored resources: each under the UUID of its fullUrl, references to
 * its fellows and to the study made literal, and the labels the server's write rules would have set
 * (bulkCreate runs no rules): the blinded-study label on the allocation-bearing resources of a
 * double-masked study, and the safety flag on an AdverseEvent that is a TRSAE.
 */
export function withIds(entries: readonly KeyedResource[], studyId: string): Resource[] {
  const literal = new Map<string, string>();
  const resources = entries.map((e) => {
    const fullUrl = fullUrlOf(e.key);
    const resource = { ...e.resource, id: fullUrl.slice('urn:uuid:'.length) } as Resource;
    literal.set(fullUrl, `${resource.resourceType}/${resource.id}`);
    return resource;
  });
  const study = `ResearchStudy/${studyId}`;
  for (const resource of resources) {
    resolveReferences(resource, (reference) => (reference.startsWith('ResearchStudy?') ? study : literal.get(reference)));
    if (resource.resourceType === 'ResearchSubject' || resource.resourceType === 'MedicationAdministration') {
      resource.meta = { ...resource.meta, security: [...(resource.meta?.security ?? []), { ...BLINDED_LABEL }] };
    }
    if (resource.resourceType === 'AdverseEvent' && isTrsae(resource as AdverseEvent)) {
      resource.meta = { ...resource.meta, tag: [...(resource.meta?.tag ?? []), { ...TRSAE_TAG }] };
    }
  }
  return resources;
}
