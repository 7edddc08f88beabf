import type { AccessControl, Requester } from '../fhir/access';
import type { FhirRegistries } from '../fhir/conformance/registries';
import type { Repository, ResourceReader } from '../store/repository';
import { notifyingRepository } from './notifier';
import { subscriptionOwnerMask } from './owner';
import { subscriptionRule } from './subscription-rule';
import { watchingSubscriptions } from './watching';

export { startDeliveryWorker, type DeliveryWorker, type WorkerOptions } from './delivery-worker';
export type { DeliveryServices } from './deliver';

/**
 * R4 rest-hook Subscriptions' entry point into the registries: what a Subscription write must be
 * (the rule) and whose it is (the owner mask, which needs the access policy of a writer).
 */
export function registerSubscriptions(registries: FhirRegistries, accessFor: (requester: Requester) => AccessControl): void {
  registries.businessRules.register(subscriptionRule(registries));
  registries.readMasks.register(subscriptionOwnerMask(registries, accessFor));
}

/**
 * Wakes this process's delivery worker when a transaction queued notifications: set once the
 * worker runs (main.ts), a no-op until then.
 */
export class DeliveryBell {
  private listener: () => void = () => undefined;

  ring(): void {
    this.listener();
  }

  answer(listener: () => void): void {
    this.listener = listener;
  }
}

/** The repository with notifications queued in the transactions of matching writes (see notifyingRepository). */
export function withNotifications(
  repo: Repository, registries: FhirRegistries, lookups: (reader: ResourceReader) => ResourceReader, bell: DeliveryBell,
): Repository {
  return notifyingRepository(repo, { watching: watchingSubscriptions(registries), lookups, onQueued: () => bell.ring() });
}
