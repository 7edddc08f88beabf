/**
 * The store port of Subscription notifications (src/subscriptions): a queue of deliveries kept in the
 * store, so they survive restarts and every server process shares them. A notification is queued in
 * the transaction of the write it is about (ResourceWriter.deliveries), so the two commit or roll
 * back together; the delivery workers of all processes claim due ones without blocking each other.
 */

/** One notification to send: a Subscription and the resource version that matched its criteria. */
export interface NewDelivery {
  subscriptionId: string;
  resourceType: string;
  resourceId: string;
  versionId: number;
}

/** The queue as one write transaction sees it: what it does commits or rolls back with the write. */
export interface DeliveryOutbox {
  enqueue(delivery: NewDelivery): Promise<void>;
  /** Ends every pending delivery of the Subscription (deleted, or set off) with `reason`; resolves to how many. */
  cancelPending(subscriptionId: string, reason: string): Promise<number>;
}

/** How a delivery ended: sent (2xx), given up on, withheld (the owner may not see it), cancelled. */
export type DeliveryEnd = 'delivered' | 'failed' | 'withheld' | 'cancelled';

export type DeliveryState = 'pending' | DeliveryEnd;

export interface ClaimedDelivery extends NewDelivery {
  id: string;
  /** Attempts so far, this one included. */
  attempts: number;
  /** When it was queued (ISO instant): retries stop once the retry period since then is over. */
  queued: string;
}

/** A delivery as recorded, for inspection: its state and, when it did not succeed, why. */
export interface DeliveryRecord extends ClaimedDelivery {
  state: DeliveryState;
  lastError?: string;
}

/** The queue as the delivery workers use it. */
export interface DeliveryQueue {
  /**
   * Up to `limit` due deliveries, each leased to the caller for `leaseMs` (counted as an attempt):
   * other processes skip them meanwhile, and take them again if the lease runs out unfinished (the
   * process holding it died). Claimed with FOR UPDATE SKIP LOCKED, so claimers never wait on each other.
   */
  claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Ends a claimed delivery. */
  finish(id: string, end: DeliveryEnd, reason?: string): Promise<void>;
  /** Gives the delivery back to the queue, due again at `at`, with the error that stopped this attempt. */
  retryAt(id: string, at: Date, error: string): Promise<void>;
  /** The Subscription's deliveries, oldest first (at most `limit`). */
  deliveriesOf(subscriptionId: string, limit?: number): Promise<DeliveryRecord[]>;
  /** Forgets ended deliveries that ended before `before`; resolves to how many. */
  purgeEnded(before: Date): Promise<number>;
}
