import type { ResearchStudy } from '@medplum/fhirtypes';
import { errors } from '../../fhir/outcomes';
import type { ResourceWriter } from '../../store/repository';
import { isBlindedStudy } from '../blinding/blinding-label';
import type { InfusionFacts } from '../rules/infusion-facts';
import { type Allocation, randomizationSecret } from './allocation-log';
import { closedGate } from './block-gate';
import { nextCohort, readDoseCohorts } from './dose-cohorts';
import { blockSequence } from './permuted-blocks';
import { type RandomizationScheme, readScheme, SchemeError } from './scheme';

const ALLOCATION_URL = 'https://stroma-fhir.org/fhir/StructureDefinition/study-allocation';

/** What an allocation decides: the arm, and where in the scheme it was drawn. */
export type Drawn = Pick<Allocation, 'arm' | 'block' | 'slot' | 'dosePerKg'>;

export interface DrawRequest {
  study: ResearchStudy;
  /** The study's allocations so far, in order. */
  log: readonly Allocation[];
  /** For a dose escalation: the cohort (arm name) the investigators open next. */
  cohort?: string;
  /** The day of the allocation (UTC). */
  today: string;
}

function isRandomized(study: ResearchStudy): boolean {
  const coding = study.extension?.find((e) => e.url === ALLOCATION_URL)?.valueCodeableConcept?.coding;
  return coding?.some((c) => c.code === 'RANDOMIZED') ?? false;
}

function schemeOf(study: ResearchStudy): RandomizationScheme | undefined {
  try {
    return readScheme(study);
  } catch (error) {
    if (error instanceof SchemeError) throw errors.businessRule(`ResearchStudy/${study.id} cannot be randomized: ${error.message}`, 'ResearchStudy.extension');
    throw error;
  }
}

/**
 * The next subject's arm by the study's own scheme (issue 7 point 3), read from its resources:
 * permuted blocks for a study with a randomization-scheme (behind the staggered-block gate when the
 * scheme states one), its dose cohorts in order for an open-label dose escalation, its one arm for a
 * single-group study. Call under allocationLock, with the log read under it.
 */
export async function drawAllocation(tx: ResourceWriter, facts: InfusionFacts, request: DrawRequest): Promise<Drawn> {
  const { study } = request;
  const scheme = schemeOf(study);
  if (scheme) {
    if (request.cohort !== undefined) throw errors.invalid('the cohort parameter is for dose-escalation studies; this study is randomized', "Parameters.parameter.where(name='cohort')");
    return drawFromBlocks(tx, facts, scheme, request);
  }
  if (isRandomized(study)) {
    throw errors.businessRule(`ResearchStudy/${study.id} is randomized but states no randomization-scheme to draw arms from`, 'ResearchStudy.extension');
  }
  const arms = study.arm ?? [];
  const cohorts = readDoseCohorts(arms);
  if (cohorts) {
    if (isBlindedStudy(study)) throw errors.businessRule(`ResearchStudy/${study.id} has dose cohorts but is not open-label: dose escalation is for open-label studies`, 'ResearchStudy.extension');
    const cohort = nextCohort(cohorts, request.log.map((a) => a.arm), request.cohort);
    return { arm: cohort.arm, dosePerKg: cohort.dosePerKg };
  }
  if (arms.length === 1 && request.cohort === undefined) return { arm: arms[0].name };
  throw errors.businessRule(
    `ResearchStudy/${study.id} states no way to assign its ${arms.length} arms: neither a randomization-scheme nor dose cohorts (arms with a dose-per-kg)`,
    'ResearchStudy.arm',
  );
}

async function drawFromBlocks(tx: ResourceWriter, facts: InfusionFacts, scheme: RandomizationScheme, request: DrawRequest): Promise<Drawn> {
  const studyId = request.study.id as string;
  const done = request.log.length;
  const block = Math.floor(done / scheme.blockSize) + 1;
  const slot = (done % scheme.blockSize) + 1;
  if (scheme.blockCount !== undefined && block > scheme.blockCount) {
    throw errors.conflict(`every block of ResearchStudy/${studyId} is allocated (${scheme.blockCount} blocks of ${scheme.blockSize})`);
  }
  if (slot === 1 && block > 1 && scheme.staggerInterval) {
    const previous = request.log.filter((a) => a.block === block - 1).map((a) => a.subject.replace(/^ResearchSubject\//, ''));
    const closed = await closedGate(tx, facts, { studyId, block: block - 1, subjectIds: previous, interval: scheme.staggerInterval, today: request.today });
    if (closed) throw errors.conflict(closed.opensOn ? `${closed.reason}: it could open on ${closed.opensOn}` : closed.reason);
  }
  const secret = await randomizationSecret(tx, studyId);
  const arm = blockSequence(secret, `ResearchStudy/${studyId}`, scheme, block)[slot - 1];
  return { arm, block, slot };
}
