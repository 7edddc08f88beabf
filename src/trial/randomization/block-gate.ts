import type { ResearchSubject } from '@medplum/fhirtypes';
import type { ResourceReader } from '../../store/repository';
import { addOffset, dayOf, type TimeOffset } from '../protocol/visit-window';
import { idIn, type InfusionFacts, startOf } from '../rules/infusion-facts';
import { studyTrsaes } from '../rules/study-trsaes';

/** Why the next block cannot be randomized yet, and from which day it could be (when time alone stands in the way). */
export interface ClosedGate {
  reason: string;
  opensOn?: string;
}

interface BlockGateInput {
  studyId: string;
  /** The block whose subjects are judged, and those subjects (ResearchSubject ids). */
  block: number;
  subjectIds: readonly string[];
  interval: TimeOffset;
  today: string;
}

/**
 * Staggered blocks (NCT04356287): block n+1 opens only when every subject of block n has had a first
 * infusion, `interval` has passed since the last of those infusions, and no treatment-related severe
 * adverse event (TRSAE) occurred in block n. Undefined when the gate is open.
 */
export async function closedGate(reader: ResourceReader, facts: InfusionFacts, input: BlockGateInput): Promise<ClosedGate | undefined> {
  const firstInfusions: string[] = [];
  const waiting: string[] = [];
  for (const subjectId of input.subjectIds) {
    const subject = await facts.read<ResearchSubject>(reader, 'ResearchSubject', subjectId);
    const patientId = idIn(subject?.individual?.reference, 'Patient');
    if (!patientId) {
      waiting.push(subjectId);
      continue;
    }
    const [trsae] = await studyTrsaes(reader, facts, patientId, input.studyId, [subjectId]);
    if (trsae) {
      return {
        reason:
          `block ${input.block + 1} is not randomized: block ${input.block} had a treatment-related severe adverse event (TRSAE), ` +
          `AdverseEvent/${trsae.event.id} (grade ${trsae.grade}, onset ${trsae.onset}) of ResearchSubject/${subjectId}`,
      };
    }
    const days = (await facts.otherInfusions(reader, patientId, input.studyId, undefined)).map((m) => dayOf(startOf(m) as string)).sort();
    if (days.length === 0) waiting.push(subjectId);
    else firstInfusions.push(days[0]);
  }
  if (waiting.length > 0) {
    return {
      reason:
        `block ${input.block + 1} opens once every subject of block ${input.block} has had a first infusion; ` +
        `not yet infused: ${waiting.map((id) => `ResearchSubject/${id}`).join(', ')}`,
    };
  }
  const last = firstInfusions.sort()[firstInfusions.length - 1];
  const opensOn = addOffset(last, input.interval) as string;
  if (input.today >= opensOn) return undefined;
  return {
    reason:
      `block ${input.block + 1} opens ${input.interval.value} ${input.interval.unit} after the last first infusion of block ${input.block} ` +
      `(${last}), if no TRSAE occurs in block ${input.block} by then`,
    opensOn,
  };
}
