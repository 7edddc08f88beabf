import type { Extension, ResearchStudy } from '@medplum/fhirtypes';
import type { TimeOffset } from '../protocol/visit-window';

const SCHEME_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/randomization-scheme';

/** A study's block randomization, as its randomization-scheme extension states it. */
export interface RandomizationScheme {
  /** Subjects per block (NCT04356287: 6). */
  blockSize: number;
  /** How many successive blocks, when the study says (NCT04356287: 3). */
  blockCount?: number;
  /** Each arm's share of a block, in the study's order (NCT04356287: 2 each of its three arms). */
  weights: { arm: string; weight: number }[];
  /**
   * Staggered blocks: block n+1 opens this long after the last first infusion of block n, when all of
   * block n was infused and had no TRSAE (NCT04356287: 1 month). Undefined: blocks follow at once.
   */
  staggerInterval?: TimeOffset;
}

const UNITS_OF_TIME = new Set(['a', 'mo', 'wk', 'd', 'h']);

/** Why a study's scheme cannot be used: $randomize answers with it. */
export class SchemeError extends Error {}

function parts(extension: Extension, url: string): Extension[] {
  return (extension.extension ?? []).filter((e) => e.url === url);
}

/**
 * The study's scheme, checked against the study: every weighted arm is one of its arms, and the weights
 * fill a block exactly (a block of 6 at 2:2:2). Undefined when the study states none.
 */
export function readScheme(study: ResearchStudy): RandomizationScheme | undefined {
  const extension = study.extension?.find((e) => e.url === SCHEME_URL);
  if (!extension) return undefined;
  const blockSize = parts(extension, 'blockSize')[0]?.valuePositiveInt;
  if (!blockSize) throw new SchemeError('the randomization scheme states no block size');
  const blockCount = parts(extension, 'blockCount')[0]?.valuePositiveInt;
  const weights = parts(extension, 'armWeight').map((w) => ({
    arm: parts(w, 'arm')[0]?.valueString ?? '',
    weight: parts(w, 'weight')[0]?.valuePositiveInt ?? 0,
  }));
  const arms = new Set((study.arm ?? []).map((a) => a.name));
  const unknown = weights.find((w) => !arms.has(w.arm) || w.weight <= 0);
  if (unknown) throw new SchemeError(`the randomization scheme weights "${unknown.arm}", which is not an arm of the study`);
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  if (weights.length === 0 || total !== blockSize) {
    throw new SchemeError(`the arm weights of the randomization scheme add up to ${total}, not to its block size ${blockSize}`);
  }
  const stagger = parts(extension, 'staggerInterval')[0]?.valueDuration;
  if (stagger && (typeof stagger.value !== 'number' || stagger.value < 0 || !UNITS_OF_TIME.has(stagger.code ?? ''))) {
    throw new SchemeError('the staggerInterval of the randomization scheme is not a duration in a, mo, wk, d or h');
  }
  const staggerInterval = stagger ? { value: stagger.value as number, unit: stagger.code as string } : undefined;
  return { blockSize, ...(blockCount ? { blockCount } : {}), weights, ...(staggerInterval ? { staggerInterval } : {}) };
}
