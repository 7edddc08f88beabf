import { randomBytes } from 'node:crypto';
import type { ResourceWriter } from '../../store/repository';

/**
 * A study's allocations, in the order they were made: the journal stream `allocation:ResearchStudy/<id>`.
 * It is the allocation log of issue 7 (only unblinded roles read it, through $allocation-log) and the
 * state $randomize draws the next slot from, so it is written in the transaction that sets the arm.
 */
export interface Allocation {
  /** 1 for the study's first allocation. */
  sequence: number;
  subject: string;
  arm: string;
  /** Permuted blocks: the block (from 1) and the slot in it (from 1). */
  block?: number;
  slot?: number;
  /** Dose escalation: the cohort's dose per kg. */
  dosePerKg?: number;
  /** The client that asked. */
  by: string;
  recorded: string;
}

type AllocationContent = Omit<Allocation, 'sequence' | 'recorded'>;

const allocationStream = (studyId: string) => `allocation:ResearchStudy/${studyId}`;
const secretStream = (studyId: string) => `randomization-secret:ResearchStudy/${studyId}`;

/** The lock every allocation for the study takes first: one allocation at a time, across server processes. */
export const allocationLock = (studyId: string) => `stroma:allocation:${studyId}`;

export async function readAllocations(tx: ResourceWriter, studyId: string): Promise<Allocation[]> {
  const entries = await tx.journal.entries(allocationStream(studyId));
  return entries.map((e) => ({ ...(e.content as unknown as AllocationContent), sequence: e.seq, recorded: e.recorded }));
}

export async function appendAllocation(tx: ResourceWriter, studyId: string, allocation: AllocationContent): Promise<Allocation> {
  const entry = await tx.journal.append(allocationStream(studyId), { ...allocation });
  return { ...allocation, sequence: entry.seq, recorded: entry.recorded };
}

/**
 * The study's randomization secret: 32 random bytes drawn at its first randomization and kept in the
 * store, never in a resource, a response or a log. With it the block sequences can be drawn again
 * (blockSequence) to audit the allocation log; without it the next assignment cannot be predicted.
 * Call under allocationLock, so two processes cannot both draw one.
 */
export async function randomizationSecret(tx: ResourceWriter, studyId: string): Promise<Buffer> {
  const [stored] = await tx.journal.entries(secretStream(studyId));
  if (stored) return Buffer.from(stored.content.secret as string, 'base64');
  const secret = randomBytes(32);
  await tx.journal.append(secretStream(studyId), { secret: secret.toString('base64') });
  return secret;
}
