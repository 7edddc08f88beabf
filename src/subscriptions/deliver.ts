import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { AccessControl, Requester } from '../fhir/access';
import type { Repository } from '../store/repository';
import type { ClaimedDelivery, DeliveryQueue } from '../store/subscription-deliveries';
import { ownerOf } from './owner';
import { nextAttempt, type RetryPolicy } from './retry-policy';
import { sendNotification } from './send';
import { recordStatus } from './subscription-status';

export interface DeliveryServices {
  queue: DeliveryQueue;
  /** The store as the server reads and writes it (validated writes, no requester's filter). */
  store: Repository;
  /** The requester a client acts as (its registered role and scopes), or undefined when it is gone or disabled. */
  owners(clientId: string): Promise<Requester | undefined>;
  accessFor(requester: Requester): AccessControl;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: RetryPolicy;
  now?: () => number;
  random?: () => number;
}

/** What became of one attempt: for logs and tests. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'withheld' | 'cancelled';

/**
 * One attempt at a claimed notification. The resource goes out as the Subscription's owner would
 * read it (its access policy and read masks: blinding, de-identification); when the owner may no
 * longer read it, or is no longer a registered client, nothing is sent and the notification ends
 * `withheld`, with why. An endpoint's failure puts the Subscription in `error`; a success after it,
 * back in `active`.
 */
export async function deliver(services: DeliveryServices, delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
  const { queue } = services;
  const current = await services.store.read('Subscription', delivery.subscriptionId);
  const subscription = current?.deleted ? undefined : (current?.resource as Subscription | undefined);
  if (!subscription || subscription.status === 'off') {
    await queue.finish(delivery.id, 'cancelled', subscription ? 'the Subscription is off' : 'the Subscription was deleted');
    return 'cancelled';
  }
  const shown = await asOwnerSees(services, subscription, delivery);
  if (typeof shown === 'string') {
    await queue.finish(delivery.id, 'withheld', shown);
    return 'withheld';
  }
  const payload = subscription.channel?.payload ? shown : undefined;
  const result = await sendNotification(services.fetch, subscription, payload, services.timeoutMs);
  if (result.kind === 'sent') {
    await queue.finish(delivery.id, 'delivered');
    await recordStatus(services.store, delivery.subscriptionId, 'active');
    return 'delivered';
  }
  const now = services.now?.() ?? Date.now();
  const retryAt = result.kind === 'retry' ? nextAttempt(services.retry, delivery.attempts, Date.parse(delivery.queued), now, services.random) : undefined;
  if (retryAt) {
    await queue.retryAt(delivery.id, retryAt, result.error);
  } else {
    const why = result.kind === 'retry' ? `given up after ${delivery.attempts} attempts: ${result.error}` : `not retried: ${result.error}`;
    await queue.finish(delivery.id, 'failed', why);
  }
  await recordStatus(services.store, delivery.subscriptionId, 'error', `Notification of ${delivery.resourceType}/${delivery.resourceId}/_history/${delivery.versionId}: ${result.error}`);
  return retryAt ? 'retry' : 'failed';
}

/** The notified version as the owner reads it, or why the owner may not have it. */
async function asOwnerSees(services: DeliveryServices, subscription: Subscription, delivery: ClaimedDelivery): Promise<Resource | string> {
  const ownerId = ownerOf(subscription);
  const owner = ownerId === undefined ? undefined : await services.owners(ownerId);
  if (!owner) return `the Subscription's owner ${ownerId ?? '(none)'} is not an enabled registered client`;
  const version = await services.store.readVersion(delivery.resourceType, delivery.resourceId, delivery.versionId);
  if (!version?.resource) return `${delivery.resourceType}/${delivery.resourceId}/_history/${delivery.versionId} is no longer stored`;
  const shown = services.accessFor(owner).filterRead(version.resource);
  return shown ?? `client ${owner.clientId} may not read ${delivery.resourceType}/${delivery.resourceId}`;
}
