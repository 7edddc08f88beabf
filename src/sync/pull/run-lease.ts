import { randomUUID } from 'node:crypto';
import type { Repository, ResourceWriter } from '../../store/repository';
import { leaseStream, runsStream } from './watermark';

/**
 * One run at a time per Endpoint, whichever server process starts it. A run spans many transactions
 * and network waits, so no database lock is held for it: the run claims a lease (the latest entry of the
 * Endpoint's lease stream, appended under a transaction lock), renews it while it works, and releases
 * it with its record. A process that dies leaves a lease that expires, and the next run takes over from
 * the committed marks. Expiry is judged by each process's clock, which NTP keeps within the margin.
 */

export interface Lease {
  endpointId: string;
  run: string;
  holder: string;
  started: string;
  /** Epoch ms until which nobody else runs the Endpoint. */
  until: number;
}

/** The lease was taken over (this process stalled past its expiry): the run must stop. */
export class LeaseLostError extends Error {}

interface LeaseEntry {
  kind: 'claim' | 'renew' | 'release';
  run: string;
  holder: string;
  started: string;
  until: string;
}

export async function currentLease(tx: ResourceWriter, endpointId: string, now: number): Promise<LeaseEntry | undefined> {
  const last = (await tx.journal.last(leaseStream(endpointId)))?.content as LeaseEntry | undefined;
  return last && last.kind !== 'release' && Date.parse(last.until) > now ? last : undefined;
}

/** A new lease on the Endpoint's runs, or undefined while another run holds one. */
export async function claimLease(store: Repository, endpointId: string, holder: string, leaseMs: number, now: () => number = Date.now): Promise<Lease | undefined> {
  return store.transaction(async (tx) => {
    await tx.lock(leaseStream(endpointId));
    if (await currentLease(tx, endpointId, now())) return undefined;
    const lease: Lease = { endpointId, run: randomUUID(), holder, started: new Date(now()).toISOString(), until: now() + leaseMs };
    await tx.journal.append(leaseStream(endpointId), entryOf(lease, 'claim'));
    return lease;
  });
}

/** Extends the lease when less than half of it is left; throws LeaseLostError when another run took over. */
export async function keepLease(store: Repository, lease: Lease, leaseMs: number, now: () => number = Date.now): Promise<void> {
  if (lease.until - now() > leaseMs / 2) return;
  await store.transaction(async (tx) => {
    await tx.lock(leaseStream(lease.endpointId));
    const held = await currentLease(tx, lease.endpointId, now());
    if (held && held.run !== lease.run) throw new LeaseLostError(`the run ${held.run} of ${held.holder} took over the Endpoint`);
    lease.until = now() + leaseMs;
    await tx.journal.append(leaseStream(lease.endpointId), entryOf(lease, 'renew'));
  });
}

/** Records the finished run and frees the Endpoint, in one transaction. */
export async function releaseLease(store: Repository, lease: Lease, record: Record<string, unknown>): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.lock(leaseStream(lease.endpointId));
    await tx.journal.append(runsStream(lease.endpointId), record);
    const last = (await tx.journal.last(leaseStream(lease.endpointId)))?.content as LeaseEntry | undefined;
    if (last?.run === lease.run) await tx.journal.append(leaseStream(lease.endpointId), entryOf(lease, 'release'));
  });
}

function entryOf(lease: Lease, kind: LeaseEntry['kind']): Record<string, unknown> {
  return { kind, run: lease.run, holder: lease.holder, started: lease.started, until: new Date(lease.until).toISOString() } satisfies LeaseEntry;
}
